using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Listen;

internal enum ListenMode
{
    Print,
    Echo,
    Relay,
}

/// <summary><c>switchboard listen</c>: the Qt server window in a terminal, in the manner of <c>nc -l</c>.</summary>
internal static class ListenCommand
{
    public static Command Create()
    {
        var portArgument = new Argument<int?>("port") { Description = "Port to listen on, as in 'nc -l 9000' (the same as --port).", Arity = ArgumentArity.ZeroOrOne, CustomParser = r => CliValues.ParsePort(r, allowZero: true) };
        var port = CliValues.PortOption("--port", "TCP (or UDP) port to listen on; 0 picks a free one and prints it.", allowZero: true, "-p");
        var host = new Option<string>("--host") { Description = "Address to bind: 127.0.0.1 (default), ::1, 0.0.0.0 or :: for all.", DefaultValueFactory = _ => "127.0.0.1" };
        var unix = new Option<string?>("--unix", "-U") { Description = "Listen on a Unix domain socket at this path instead of TCP." };
        var tls = new Option<bool>("--tls", "--ssl") { Description = "Speak TLS (needs --cert and --key). --ssl is the same (ncat's name)." };
        var cert = new Option<FileInfo?>("--cert") { Description = "Server certificate: PEM (with --key) or PFX/PKCS#12." };
        var key = new Option<FileInfo?>("--key") { Description = "PEM private key of --cert." };
        var startTls = new Option<bool>("--starttls") { Description = "Take clients in the clear and upgrade each to TLS after an SMTP-style STARTTLS exchange (needs --cert; openssl s_client -starttls smtp and connect --starttls speak it)." };
        var tlsMin = TlsFlags.MinimumVersionOption();
        var clientCa = new Option<FileInfo?>("--client-ca") { Description = "Require a client certificate issued by a CA in this PEM file (with --tls or --starttls); others are refused in the handshake." };
        var udp = new Option<bool>("--udp", "-u") { Description = "Listen for UDP datagrams instead of TCP connections." };
        var mode = CliValues.ChoiceOption("--mode", "print: show what clients send, send stdin to all; echo: send every byte back; relay: each line goes to all other clients.", "print", ["print", "echo", "relay"], "-m");
        var maxConns = CliValues.IntOption("--max-conns", "Most connections open at once; more are turned away.", 1, 1_000_000, 1000);
        var idle = CliValues.DurationOption("--idle-timeout", "Close a connection that has sent nothing for this long (ncat's -i).", "-i");
        // Slow consumers (relay mode, and what print mode sends from stdin): see ConnectionOptions.SlowConsumer*.
        var softLimit = CliValues.SizeOption("--soft-limit", "Output queued for a client that it may exceed for --soft-limit-time before it is dropped as not reading; relay stops reading from a sender meanwhile.", 1024, 1 << 30, 8 << 20);
        var softLimitTime = CliValues.DurationOption("--soft-limit-time", "How long a client may stay past --soft-limit (default 10s).");
        var hardLimit = CliValues.SizeOption("--hard-limit", "Output queued for a client at which it is dropped at once.", 1024, 1 << 30, 32 << 20);
        // ncat's -k keeps the listener open after the first client; listen has always done that (it serves many
        // clients at once), so -k is accepted for muscle memory and changes nothing.
        var keepOpen = new Option<bool>("--keep-open", "-k") { Description = "Keep listening after a client leaves (always the case; accepted as in ncat)." };
        var hex = new Option<bool>("--hex", "-x") { Description = "Show received bytes as a hex dump and read stdin as hex." };
        var join = new Option<string[]>("--join") { Description = "With --udp: join this IPv4 or IPv6 multicast group (repeatable). Binds the any address of its family unless --host is given." };
        var backlog = CliValues.OptionalNumberOption("--backlog", "Connections the kernel queues before they are accepted (QTcpServer's maxPendingConnections): 512 by default. Not the cap on open ones (--max-conns).", 1, 65535);
        // Keep-alive probes notice clients that vanished without a word (a cable pulled, a laptop asleep).
        var keepAlive = KeepAliveFlag.Create();
        var command = new Command("listen", "Listen for connections (the Qt server window, in a terminal): print, echo or relay. Many clients at once, until Ctrl-C.\n" + ExitCodes.Help)
        {
            portArgument, port, host, unix, tls, cert, key, startTls, tlsMin, clientCa, udp, mode, maxConns, idle, softLimit, softLimitTime, hardLimit, keepOpen, hex, join, backlog, keepAlive,
        };

        CliValues.AddValidator(command, result =>
        {
            var hasPort = result.GetValue(port) is not null || result.GetValue(portArgument) is not null;
            var hasUnix = result.GetValue(unix) is not null;
            if (result.GetValue(port) is not null && result.GetValue(portArgument) is not null)
            {
                result.AddError("give the port once: 'listen 9000' or 'listen --port 9000'");
            }
            else if (hasPort == hasUnix)
            {
                result.AddError("give either --port N or --unix PATH (or the port alone: listen 9000)");
            }

            if (!TryParseAddress(result.GetValue(host) ?? "127.0.0.1", out _))
            {
                result.AddError(HostError(result.GetValue(host) ?? "127.0.0.1"));
            }

            if (result.GetValue(tls) && result.GetValue(cert) is null)
            {
                result.AddError("--tls needs --cert (and --key for a PEM certificate)");
            }

            var anyTls = result.GetValue(tls) || result.GetValue(startTls);
            if (result.GetValue(tls) && result.GetValue(startTls))
            {
                result.AddError("give --tls (TLS from the first byte) or --starttls (TLS after the STARTTLS exchange), not both");
            }
            else if (result.GetValue(startTls) && (result.GetValue(cert) is null || hasUnix || result.GetValue(udp)))
            {
                result.AddError("--starttls needs --cert (and --key for a PEM certificate) and a TCP --port (no --unix, no --udp)");
            }

            if (!anyTls && (result.GetValue(clientCa) is not null || result.GetValue(tlsMin) is not null))
            {
                result.AddError("--client-ca and --tls-min need --tls or --starttls");
            }
            else if (result.GetValue(clientCa) is { } caFile && TlsFlags.CheckCaFile("--client-ca", caFile.FullName) is { } caError)
            {
                result.AddError(caError);
            }

            foreach (var file in new[] { result.GetValue(cert), result.GetValue(key) })
            {
                if (file is not null && !file.Exists)
                {
                    result.AddError($"no file at {file.FullName}");
                }
            }

            if (result.GetValue(udp) && (hasUnix || result.GetValue(tls)))
            {
                result.AddError("--udp works with --port only (no --unix, no --tls)");
            }

            if (result.GetValue(udp) && result.GetValue(idle) is not null)
            {
                result.AddError("--idle-timeout is for connections (TCP, TLS, Unix sockets), not --udp");
            }

            if (result.GetValue(hardLimit) < result.GetValue(softLimit))
            {
                result.AddError($"--hard-limit ({ByteSizes.Format(result.GetValue(hardLimit))}) must be at least --soft-limit ({ByteSizes.Format(result.GetValue(softLimit))})");
            }

            if (result.GetValue(udp) && (result.GetValue(backlog) is not null || result.GetValue(keepAlive) is not null))
            {
                result.AddError("--backlog and --keepalive are for TCP and TLS listeners, not --udp");
            }

            if (result.GetValue(join) is { Length: > 0 } groups)
            {
                if (!result.GetValue(udp))
                {
                    result.AddError("--join needs --udp");
                }
                else if (MulticastGroups.Check(groups) is { } error)
                {
                    result.AddError(error);
                }
            }
        });

        command.SetAction((result, _) =>
        {
            var settings = new ListenSettings(
                result.GetValue(port) ?? result.GetValue(portArgument),
                result.GetValue(host)!,
                result.GetValue(unix),
                result.GetValue(tls) || result.GetValue(startTls) ? result.GetValue(cert) : null,
                result.GetValue(key),
                result.GetValue(udp),
                Enum.Parse<ListenMode>(result.GetValue(mode)!, ignoreCase: true),
                result.GetValue(maxConns),
                result.GetValue(hex),
                MulticastGroups.Parse(result.GetValue(join) ?? []),
                result.GetResult(host) is { Implicit: false },
                result.GetValue(idle),
                new ListenTls(result.GetValue(startTls), result.GetValue(tlsMin) ?? TlsVersion.Tls12, result.GetValue(clientCa)?.FullName),
                result.GetValue(backlog),
                result.GetValue(keepAlive))
            {
                SoftLimit = result.GetValue(softLimit),
                SoftLimitTime = result.GetValue(softLimitTime) ?? TimeSpan.FromSeconds(10),
                HardLimit = result.GetValue(hardLimit),
            };
            if (!settings.Udp && settings.Mode is ListenMode.Echo or ListenMode.Relay)
            {
                // Before the first socket operation of the process: the runtime reads this only once.
                InlineSocketCompletions.PreferInline();
            }

            return RunAsync(settings, GlobalOptions.LogLevel(result));
        });
        return command;
    }

    private static async Task<int> RunAsync(ListenSettings settings, LogLevel level)
    {
        using var signal = new ShutdownSignal();
        using var loggerFactory = ConsoleLogging.Create(level);
        var logger = loggerFactory.CreateLogger("listen");
        try
        {
            if (settings.Udp)
            {
                return await UdpListen.RunAsync(settings, logger, signal.Token);
            }

            return await TcpListen.RunAsync(settings, loggerFactory, logger, signal.Token);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard listen: {ex.Message}");
            return ex.Message.Contains("in use", StringComparison.Ordinal) || ex.Message.Contains("another server", StringComparison.Ordinal) ? ExitCodes.AddressInUse : ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"switchboard listen: {ex.Message}");
            return ExitCodes.Usage;
        }
    }

    internal static IPAddress ParseAddress(string host) => TryParseAddress(host, out var address) ? address : throw new FormatException(HostError(host));

    /// <summary>
    /// A bind address: an IP literal (or localhost, or *) that belongs to this machine. Checked before binding, so
    /// --host 1.2.3.4 is a usage error in words, not a socket error from deep inside the listener.
    /// </summary>
    internal static bool TryParseAddress(string host, out IPAddress address)
    {
        address = host.Trim('[', ']') switch
        {
            "localhost" => IPAddress.Loopback,
            "*" => IPAddress.Any,
            var text when IPAddress.TryParse(text, out var parsed) => parsed,
            _ => IPAddress.None,
        };
        return !ReferenceEquals(address, IPAddress.None) && LocalAddresses.IsBindable(address);
    }

    internal static string HostError(string host, string name = "--host") => IPAddress.TryParse(host.Trim('[', ']'), out _)
        ? $"{name} {host} is not an address of this machine (use 127.0.0.1, ::1, 0.0.0.0 or :: for all, or one of: {LocalAddresses.Describe()})"
        : $"{name} '{host}' is not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or ::)";
}

internal sealed record ListenSettings(int? Port, string Host, string? Unix, FileInfo? Cert, FileInfo? Key, bool Udp, ListenMode Mode, int MaxConnections, bool Hex, IReadOnlyList<IPAddress> Join, bool HostGiven, TimeSpan? IdleTimeout = null, ListenTls? Tls = null, int? Backlog = null, KeepAliveSetting? KeepAlive = null)
{
    /// <summary>Slow consumers: see <see cref="ConnectionOptions.SlowConsumerSoftLimit"/>.</summary>
    public int SoftLimit { get; init; } = 8 << 20;

    public TimeSpan SoftLimitTime { get; init; } = TimeSpan.FromSeconds(10);

    public int HardLimit { get; init; } = 32 << 20;
}

/// <summary>The TLS policy of <c>listen</c>: STARTTLS instead of TLS from the first byte, the version floor, client CAs.</summary>
internal sealed record ListenTls(bool StartTls, TlsVersion MinimumVersion, string? ClientCaFile);
