using System.Buffers;
using System.Text;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Connect;

/// <summary>TCP, TLS and Unix-socket connections for <c>switchboard connect</c>.</summary>
internal static class StreamConnect
{
    public static async Task<int> RunAsync(ConnectSettings settings)
    {
        using var signal = new ShutdownSignal();
        // With --starttls the connection starts in the clear; the TLS settings apply at the upgrade.
        var options = new ClientOptions { ConnectTimeout = settings.Timeout, Tls = settings.StartTls ? null : settings.Tls };
        settings.TuneSocket?.Invoke(options);
        if (settings.Unix is null)
        {
            try
            {
                options.Proxy = settings.Proxy.Resolve(settings.Host!);
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync($"switchboard connect: {ex.Message}");
                return ExitCodes.Usage;
            }
        }

        SwitchboardConnection connection;
        try
        {
            connection = settings.Unix is { } path
                ? await SwitchboardConnection.ConnectUnixAsync(path, options, cancellationToken: signal.Token)
                : await SwitchboardConnection.ConnectTcpAsync(settings.Host!, settings.Port, options, cancellationToken: signal.Token);
        }
        catch (ConnectException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: {ex.Message}");
            return ExitCodes.For(ex.Error);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Stopped;
        }

        if (settings.StartTls && await StartTlsAsync(connection, settings, signal.Token) is { } failed)
        {
            await connection.DisposeAsync();
            return failed;
        }

        if (settings.Verbose)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: connected to {SwitchboardConnection.DescribeEndPoint(connection.RemoteEndPoint)}");
            if (connection.ReadSocketOptions() is { } applied)
            {
                // Read back from the kernel, so a size it capped or doubled shows as it is.
                await Console.Error.WriteLineAsync($"switchboard connect: socket options {SocketFlags.Describe(applied)}");
            }
        }

        using var idle = new IdleTimer(settings.IdleTimeout, signal.Token);
        await using (connection)
        {
            var toStdout = SocketToStdoutAsync(connection, settings.Hex, idle);
            var fromStdin = StdinToSocketAsync(connection, settings, idle);
            var first = await Task.WhenAny(toStdout, fromStdin);
            if (first == fromStdin && !idle.Token.IsCancellationRequested)
            {
                // End of stdin: half-close (FIN) and keep printing until the peer closes its side.
                await connection.CloseAsync("end of input");
            }

            int exit;
            try
            {
                exit = await toStdout;
            }
            catch (OperationCanceledException)
            {
                exit = ExitCodes.Stopped;
            }

            if (idle.Expired)
            {
                await Console.Error.WriteLineAsync($"switchboard connect: idle for {Durations.Format(settings.IdleTimeout!.Value)}; closing");
                return ExitCodes.TimedOut;
            }

            return exit;
        }
    }

    /// <summary>The STARTTLS exchange and the upgrade; null when TLS is up, else the exit code (the reason is printed).</summary>
    private static async Task<int?> StartTlsAsync(SwitchboardConnection connection, ConnectSettings settings, CancellationToken cancellationToken)
    {
        // The exchange has its own deadline, the connect timeout: a server that never answers must not hang us.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        try
        {
            if (await StartTlsDialogue.ClientAsync(connection, settings.Verbose ? Console.Error : null, deadline.Token) is { } refused)
            {
                await Console.Error.WriteLineAsync($"switchboard connect: STARTTLS failed: {refused}");
                return ExitCodes.TlsFailure;
            }

            await connection.StartClientEncryptionAsync(settings.Tls!, deadline.Token);
            return null;
        }
        catch (ConnectException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: {ex.Message}");
            return ExitCodes.For(ex.Error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: STARTTLS failed: no answer within {Durations.Format(settings.Timeout)}");
            return ExitCodes.TimedOut;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Stopped;
        }
        catch (Exception ex) when (ex is IOException or Net.Framing.FramingException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: STARTTLS failed: {ex.Message}");
            return ExitCodes.ConnectionLost;
        }
    }

    private static async Task<int> SocketToStdoutAsync(SwitchboardConnection connection, bool hex, IdleTimer idle)
    {
        var cancellationToken = idle.Token;
        await using var stdout = Console.OpenStandardOutput();
        var input = connection.Input;
        long offset = 0;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                idle.Touch();
                var buffer = result.Buffer;
                if (hex)
                {
                    if (!buffer.IsEmpty)
                    {
                        var text = HexFormat.Dump(buffer.ToArray(), offset);
                        await stdout.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
                    }
                }
                else
                {
                    foreach (var segment in buffer)
                    {
                        await stdout.WriteAsync(segment, cancellationToken);
                    }
                }

                offset += buffer.Length;
                await stdout.FlushAsync(cancellationToken);
                input.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return ExitCodes.Ok;
                }
            }
        }
        catch (ClientCertificateRejectedException ex)
        {
            // With TLS 1.3 the server judges our certificate after our handshake completed: this is where it says no.
            await Console.Error.WriteLineAsync($"switchboard connect: {ex.Message}");
            return ExitCodes.TlsFailure;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: connection lost: {ex.Message}");
            return ExitCodes.ConnectionLost;
        }
    }

    private static async Task StdinToSocketAsync(SwitchboardConnection connection, ConnectSettings settings, IdleTimer idle)
    {
        var cancellationToken = idle.Token;
        if (settings.Hex)
        {
            await foreach (var bytes in StdinMessages.ReadAsync(hex: true, "", error => Console.Error.WriteLine($"switchboard connect: stdin: {error}; line not sent"), cancellationToken))
            {
                idle.Touch();
                await connection.SendAsync(bytes, cancellationToken);
            }

            return;
        }

        // Plain mode forwards raw bytes as they come (binary-safe), not lines.
        await using var stdin = Console.OpenStandardInput();

        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var converted = settings.Crlf ? new ArrayBufferWriter<byte>() : null;
        var lastWasCr = false;
        try
        {
            while (true)
            {
                var read = await stdin.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                idle.Touch();
                if (converted is null)
                {
                    await connection.SendAsync(buffer.AsMemory(0, read), cancellationToken);
                    continue;
                }

                converted.ResetWrittenCount();
                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b == (byte)'\n' && !lastWasCr)
                    {
                        converted.Write("\r"u8);
                    }

                    converted.Write([b]);
                    lastWasCr = b == (byte)'\r';
                }

                await connection.SendAsync(converted.WrittenMemory.ToArray(), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
