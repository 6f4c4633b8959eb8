using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// The line exchange before STARTTLS in <c>connect --starttls</c> and <c>listen --starttls</c>: the opening of an
/// SMTP session (RFC 3207), so that real mail servers, <c>openssl s_client -starttls smtp</c> and our own two
/// commands all understand each other. Server: "220" greeting; EHLO gets "250-switchboard" and "250 STARTTLS";
/// HELO and NOOP get 250, QUIT gets 221 and the end; STARTTLS gets "220 2.0.0 Ready to start TLS" and the
/// handshake; anything else gets "530 5.7.0 Must issue a STARTTLS command first". Client: waits for the 220
/// greeting, sends EHLO, checks that STARTTLS is offered, sends STARTTLS and expects 220. After the handshake both
/// sides forget the exchange: what follows is the command's usual stream (an SMTP client says EHLO again).
/// </summary>
internal static class StartTlsDialogue
{
    // SMTP's own limit on a command line is 512 bytes; a little slack for long EHLO replies.
    private const int MaxLine = 1000;

    // A client that never says STARTTLS is not kept talking in the clear forever.
    private const int MaxCommandsBeforeTls = 20;

    /// <summary>
    /// Runs the server's side, then <paramref name="inner"/> over TLS. A client that quits, misbehaves or fails the
    /// handshake never reaches <paramref name="inner"/>.
    /// </summary>
    public static ConnectionHandler Server(ConnectionHandler inner, ILogger logger) => async (connection, shutdown) =>
    {
        var reader = connection.CreateReader(new LineReader(MaxLine));
        try
        {
            await SendAsync(connection, "220 switchboard ESMTP ready; say STARTTLS", shutdown);
            for (var commands = 0; ; commands++)
            {
                if (commands == MaxCommandsBeforeTls)
                {
                    await SendAsync(connection, "421 4.7.0 Too many commands without STARTTLS", shutdown);
                    return;
                }

                var line = await reader.ReadAsync(shutdown);
                if (line.IsCompleted)
                {
                    return;
                }

                var text = Encoding.UTF8.GetString(line.Message).Trim();
                var verb = text.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await SendAsync(connection, "250-switchboard\r\n250 STARTTLS", shutdown);
                        break;
                    case "HELO" or "NOOP" or "RSET":
                        await SendAsync(connection, "250 2.0.0 OK", shutdown);
                        break;
                    case "QUIT":
                        await SendAsync(connection, "221 2.0.0 Bye", shutdown);
                        return;
                    case "STARTTLS":
                        await SendAsync(connection, "220 2.0.0 Ready to start TLS", shutdown);
                        await connection.StartServerEncryptionAsync(shutdown);
                        logger.LogInformation("{Peer} started TLS ({Protocol})", connection, connection.TlsProtocol);
                        await inner(connection, shutdown);
                        return;
                    default:
                        await SendAsync(connection, "530 5.7.0 Must issue a STARTTLS command first", shutdown);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is FramingException or IOException or System.Security.Authentication.AuthenticationException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            logger.LogInformation("{Peer} closed before TLS: {Reason}", connection, ex.Message);
        }
        catch (OperationCanceledException)
        {
        }
    };

    /// <summary>
    /// Runs the client's side; null when the server agreed to STARTTLS (the caller then starts TLS), else what went
    /// wrong in words. The server's lines are shown on <paramref name="transcript"/> when given.
    /// </summary>
    public static async Task<string?> ClientAsync(SwitchboardConnection connection, TextWriter? transcript, CancellationToken cancellationToken)
    {
        var reader = connection.CreateReader(new LineReader(MaxLine));
        var greeting = await ReadReplyAsync(reader, transcript, cancellationToken);
        if (greeting.Code != 220)
        {
            return $"the server did not greet with 220 (STARTTLS needs an SMTP-style server): {greeting.Last}";
        }

        var ehlo = $"EHLO {Literal(connection.LocalEndPoint)}";
        transcript?.WriteLine($"> {ehlo}");
        await SendAsync(connection, ehlo, cancellationToken);
        var hello = await ReadReplyAsync(reader, transcript, cancellationToken);
        if (hello.Code != 250)
        {
            return $"the server refused EHLO: {hello.Last}";
        }

        if (!hello.Lines.Any(l => l.Length > 4 && l[4..].Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
        {
            return "the server does not offer STARTTLS";
        }

        transcript?.WriteLine("> STARTTLS");
        await SendAsync(connection, "STARTTLS", cancellationToken);
        var ready = await ReadReplyAsync(reader, transcript, cancellationToken);
        return ready.Code == 220 ? null : $"the server refused STARTTLS: {ready.Last}";
    }

    private static async Task<(int Code, List<string> Lines, string Last)> ReadReplyAsync(ProtocolReader<System.Buffers.ReadOnlySequence<byte>> reader, TextWriter? transcript, CancellationToken cancellationToken)
    {
        // A reply is lines "NNN-text" ending with one "NNN text" (RFC 5321 section 4.2.1).
        var lines = new List<string>();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                return (0, lines, lines.Count > 0 ? lines[^1] : "the server closed the connection");
            }

            var line = Encoding.UTF8.GetString(result.Message);
            transcript?.WriteLine($"< {TerminalText.Escape(line)}");
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                var code = line.Length >= 3 && int.TryParse(line.AsSpan(0, 3), out var parsed) ? parsed : 0;
                return (code, lines, line);
            }
        }
    }

    private static ValueTask SendAsync(SwitchboardConnection connection, string line, CancellationToken cancellationToken)
        => connection.SendAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken);

    // EHLO names the client by an address literal when it has no domain name to give (RFC 5321 section 4.1.3).
    private static string Literal(EndPoint? local) => local switch
    {
        IPEndPoint { Address.AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } v6 => $"[IPv6:{v6.Address}]",
        IPEndPoint v4 => $"[{v4.Address}]",
        _ => "[127.0.0.1]",
    };
}
