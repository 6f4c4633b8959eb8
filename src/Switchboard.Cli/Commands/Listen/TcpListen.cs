using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Cli.Commands.Listen;

/// <summary>The TCP, TLS and Unix-socket side of <c>switchboard listen</c>.</summary>
internal static class TcpListen
{
    public static async Task<int> RunAsync(ListenSettings settings, ILoggerFactory loggerFactory, ILogger logger, CancellationToken cancellationToken)
    {
        var options = settings.Unix is { } path
            ? ListenerOptions.Unix(path)
            : ListenerOptions.Tcp(ListenCommand.ParseAddress(settings.Host), settings.Port!.Value);
        options.MaxConnections = settings.MaxConnections;
        options.Connection = new ConnectionOptions
        {
            SlowConsumerSoftLimit = settings.SoftLimit,
            SlowConsumerSoftLimitTime = settings.SoftLimitTime,
            SlowConsumerHardLimit = settings.HardLimit,
        };
        settings.KeepAlive?.ApplyTo(options.Connection);
        options.Backlog = settings.Backlog ?? ListenerOptions.DefaultBacklog;
        // Echo's handler never blocks, so its sends are made on the thread that read (no drain-loop wake-up on
        // the pool): measured side by side this doubled echo throughput and halved CPU per message, with or
        // without the runtime's inline socket completions (see docs/BENCHMARKS.md).
        options.InlineScheduling = settings.Mode == ListenMode.Echo;
        options.RejectMessage = "server full\n"u8.ToArray();
        if (settings.Cert is { } cert)
        {
            options.Certificate = TlsFlags.Load(cert.FullName, settings.Key?.FullName);
            if (settings.Tls is { } tls)
            {
                options.StartTls = tls.StartTls;
                options.MinimumTlsVersion = tls.MinimumVersion;
                options.ClientCertificateAuthorities = tls.ClientCaFile is { } ca ? ListenerOptions.LoadCertificateAuthorities(ca) : null;
            }
        }

        var output = new StdoutWriter();
        var registry = new ConnectionRegistry();
        var dropLog = new LogRateLimiter();
        registry.SlowConsumerDropped += (c, reason) =>
        {
            if (dropLog.ShouldLog(out var suppressed))
            {
                logger.LogWarning("dropped {Peer}: {Reason}{Suppressed}", c, reason, LogRateLimiter.Note(suppressed));
            }
        };
        ConnectionHandler handler = settings.Mode switch
        {
            ListenMode.Echo => (c, ct) => EchoAsync(c, logger, ct),
            ListenMode.Relay => (c, ct) => RelayAsync(c, registry, logger, ct),
            _ => (c, ct) => PrintAsync(c, settings.Hex, output, logger, ct),
        };
        if (options.StartTls)
        {
            handler = StartTlsDialogue.Server(handler, logger);
        }

        if (settings.IdleTimeout is { } limit)
        {
            handler = WithIdleTimeout(handler, limit, logger);
        }

        await using var listener = await SwitchboardListener.StartAsync(options, handler, loggerFactory, registry, cancellationToken);
        await Console.Error.WriteLineAsync($"listening on {(options.StartTls ? "starttls" : DescribeKind(listener.TransportKind))} {SwitchboardConnection.DescribeEndPoint(listener.BoundEndPoint)} (mode {settings.Mode.ToString().ToLowerInvariant()})");
        if (settings.Mode == ListenMode.Print)
        {
            _ = Task.Run(() => StdinToAllAsync(registry, settings.Hex, logger, cancellationToken), CancellationToken.None);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await Console.Error.WriteLineAsync($"shutting down: closing {Plural.Of(registry.Count, "connection")}");
        await listener.ShutdownAsync(CancellationToken.None);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// -i/--idle-timeout: ends a connection's handler (which closes it) once the peer has sent nothing for the
    /// limit. Watching the byte counter keeps the rule in one place for every mode.
    /// </summary>
    private static ConnectionHandler WithIdleTimeout(ConnectionHandler inner, TimeSpan limit, ILogger logger) => async (connection, shutdown) =>
    {
        using var idle = new IdleTimer(limit, shutdown);
        var handling = inner(connection, idle.Token);
        using var ticks = new PeriodicTimer(limit / 8 > TimeSpan.FromMilliseconds(10) ? limit / 8 : TimeSpan.FromMilliseconds(10));
        var seen = connection.BytesReceived;
        while (!handling.IsCompleted && !idle.Token.IsCancellationRequested)
        {
            await Task.WhenAny(handling, ticks.WaitForNextTickAsync().AsTask());
            if (connection.BytesReceived != seen)
            {
                seen = connection.BytesReceived;
                idle.Touch();
            }
        }

        if (idle.Expired)
        {
            logger.LogInformation("{Peer} idle for {Limit}; closing", connection, Durations.Format(limit));
        }

        await handling;
    };

    private static string DescribeKind(TransportKind kind) => kind.ToString().ToLowerInvariant();

    private static async Task EchoAsync(SwitchboardConnection connection, ILogger logger, CancellationToken shutdown)
    {
        logger.LogInformation("{Peer} connected", connection);
        var input = connection.Input;
        try
        {
            while (!shutdown.IsCancellationRequested)
            {
                // Everything read goes into the send buffer as one write, straight from the input's own buffers.
                var result = await input.ReadAsync(shutdown);
                await connection.SendAsync(result.Buffer, shutdown);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
        }

        logger.LogInformation("{Peer} disconnected ({In} bytes in, {Out} out)", connection, connection.BytesReceived, connection.BytesSent);
    }

    private static async Task PrintAsync(SwitchboardConnection connection, bool hex, StdoutWriter output, ILogger logger, CancellationToken shutdown)
    {
        var peer = SwitchboardConnection.DescribeEndPoint(connection.RemoteEndPoint);
        logger.LogInformation("{Peer} connected ({Transport})", peer, connection.TransportKind.ToString().ToLowerInvariant());
        string reason = "closed by peer";
        try
        {
            if (hex)
            {
                var reader = connection.CreateReader(new RawReader());
                long offset = 0;
                while (true)
                {
                    var result = await reader.ReadAsync(shutdown);
                    if (result.IsCompleted)
                    {
                        break;
                    }

                    var bytes = result.Message.ToArray();
                    output.WriteText($"[{peer}] {bytes.Length} bytes\n{HexFormat.Dump(bytes, offset)}");
                    offset += bytes.Length;
                }
            }
            else
            {
                // Print mode shows what arrived even when it is not UTF-8 (as U+FFFD), since it is a diagnostic view.
                var reader = connection.CreateReader(new LineReader(validateUtf8: false));
                while (true)
                {
                    var result = await reader.ReadAsync(shutdown);
                    if (result.IsCompleted)
                    {
                        break;
                    }

                    output.WriteText($"[{peer}] {TerminalText.Escape(Encoding.UTF8.GetString(result.Message))}\n");
                }
            }
        }
        catch (FramingException ex)
        {
            reason = ex.Message;
            connection.TrySend(Encoding.UTF8.GetBytes($"error: {ex.Message}\n"));
        }
        catch (OperationCanceledException)
        {
            reason = "server shutdown";
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            reason = ex.Message;
        }

        logger.LogInformation("{Peer} disconnected: {Reason}", peer, reason);
    }

    private static async Task RelayAsync(SwitchboardConnection connection, ConnectionRegistry registry, ILogger logger, CancellationToken shutdown)
    {
        logger.LogInformation("{Peer} connected", connection);
        var reader = connection.CreateReader(new LineReader());
        var line = new ArrayBufferWriter<byte>(256);
        var reason = "closed by peer";
        while (true)
        {
            try
            {
                var result = await reader.ReadAsync(shutdown);
                if (result.IsCompleted)
                {
                    break;
                }

                line.ResetWrittenCount();
                // The others may be nc in a terminal: no ESC, NUL or other control from one client reaches them.
                TerminalText.Neutralise(result.Message.IsSingleSegment ? result.Message.FirstSpan : result.Message.ToArray(), line);

                line.Write("\n"u8);
                registry.Broadcast(line.WrittenSpan, except: connection);
                // Backpressure: the next line is read only once every reader is below its soft limit (or has been
                // dropped for staying past it), so a fast sender is slowed to its readers' pace.
                await registry.WaitForSlowConsumersAsync(connection, shutdown);
            }
            catch (InvalidMessageException ex)
            {
                // The bad line was skipped; the sender is told, nobody else sees it.
                logger.LogWarning("{Peer}: rejected a line: {Reason}", connection, ex.Message);
                connection.TrySend(Encoding.UTF8.GetBytes($"error: {ex.Message}; line not relayed\n"));
            }
            catch (FramingException ex)
            {
                reason = ex.Message;
                connection.TrySend(Encoding.UTF8.GetBytes($"error: {ex.Message}; closing\n"));
                break;
            }
            catch (OperationCanceledException)
            {
                reason = "server shutdown";
                break;
            }
            catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
            {
                reason = ex.Message;
                break;
            }
        }

        logger.LogInformation("{Peer} disconnected: {Reason}", connection, reason);
    }

    private static async Task StdinToAllAsync(ConnectionRegistry registry, bool hex, ILogger logger, CancellationToken cancellationToken)
    {
        await foreach (var bytes in StdinMessages.ReadAsync(hex, "\n", error => logger.LogWarning("stdin: {Error}; line not sent", error), cancellationToken))
        {
            var sent = registry.Broadcast(bytes);
            logger.LogDebug("sent {Bytes} to {Clients}", Plural.Of(bytes.Length, "byte"), Plural.Of(sent, "client"));
            await registry.WaitForSlowConsumersAsync(null, cancellationToken);
        }
    }
}
