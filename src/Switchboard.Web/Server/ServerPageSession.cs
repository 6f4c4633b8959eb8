using Switchboard.Web.Json;
using Switchboard.Web.Live;
using Switchboard.Web.Security;

namespace Switchboard.Web.Server;

/// <summary>
/// The server page's socket: a snapshot of listeners and sessions every <see cref="ConsoleOptions.SnapshotInterval"/>,
/// events in batches every 100 ms, this machine's addresses once, and the page's commands (kick, send, announce,
/// start, stop, stop-all, add).
/// </summary>
internal sealed class ServerPageSession(WebSocketPeer peer, ConsoleOptions options)
{
    // The table shows at most this many rows; the total is still reported. Thousands of rows help nobody and
    // would make every snapshot heavy.
    private const int MaxRows = 1000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly EventBacklog<ConsoleEvent> _backlog = new(Math.Max(1, options.EventBacklog));
    private readonly UnixDirectories _unixDirectories = new(options.ListenerUnixDirectories, "the server page", "Web:ListenerUnixDirectories");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var server = options.Server;
        using var subscription = server?.Subscribe(_backlog.Add);
        // Once per page: the machine's addresses change rarely, and the drop-down keeps what the user chose.
        var addresses = LocalAddresses.Get().Select(a => a.ToString()).ToArray();
        var choices = new AddressesFrame(addresses, server?.TlsListenerUnavailable, _unixDirectories.All);
        await peer.SendAsync(choices, ConsoleJsonContext.Default.AddressesFrame, stop.Token);
        var pump = PumpAsync(server, stop.Token);
        try
        {
            await foreach (var command in peer.ReadCommandsAsync(stop.Token))
            {
                var error = server is null ? "no server is attached to this console" : await ExecuteAsync(server, command, stop.Token);
                await peer.SendResultAsync(command.Op, error, stop.Token);
                if (error is null && command is { Op: "send", Id: { } to, Text: { } sent })
                {
                    // What the page said shows in its log with what the clients said, as in the Qt server window.
                    _backlog.Add(new ConsoleEvent(DateTimeOffset.UtcNow, ConsoleEventKinds.Message, to, "console", null, $"to #{to}: {sent}"));
                }

                if (error is null)
                {
                    // Show the effect (a kicked row gone, a listener stopped) without waiting for the next tick.
                    await SendSnapshotAsync(server, stop.Token);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await pump.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<string?> ExecuteAsync(IConsoleServer server, ConsoleCommand command, CancellationToken cancellationToken)
    {
        switch (command.Op)
        {
            case "kick" when command.Id is { } id:
                return await server.KickAsync(id, "kicked from the web console") ? null : $"no session #{id}";
            case "send" when command.Id is { } id && !string.IsNullOrEmpty(command.Text):
                return server.SendTo(id, command.Text) ? null : $"could not send to session #{id}";
            case "announce" when !string.IsNullOrWhiteSpace(command.Text):
                return await server.AnnounceAsync(command.Text, cancellationToken);
            case "start" when !string.IsNullOrEmpty(command.Name):
                return await server.StartListenerAsync(command.Name, cancellationToken);
            case "stop" when !string.IsNullOrEmpty(command.Name):
                return await server.StopListenerAsync(command.Name, cancellationToken);
            case "stop-all" when !string.IsNullOrEmpty(command.Name):
                return await server.StopAndDisconnectAsync(command.Name, cancellationToken);
            case "add":
                return await AddListenerAsync(server, command, cancellationToken);
            default:
                return $"unknown or incomplete command '{command.Op}'";
        }
    }

    // Checked here, before the server is asked: the address must be one the page offered (this machine's own), so a
    // token holder cannot make the server bind something it was not shown.
    private Task<string?> AddListenerAsync(IConsoleServer server, ConsoleCommand command, CancellationToken cancellationToken)
    {
        if (command.Transport == "unix")
        {
            return AddUnixListenerAsync(server, command.Path, cancellationToken);
        }

        var tls = command.Transport switch { "tcp" => (bool?)false, "tls" => true, _ => null };
        if (tls is null)
        {
            return Task.FromResult<string?>($"a new listener is tcp, tls or unix, not '{command.Transport}'");
        }

        if (tls.Value && server.TlsListenerUnavailable is { } noTls)
        {
            return Task.FromResult<string?>(noTls);
        }

        if (LocalAddresses.Find(command.Host) is not { } address)
        {
            return Task.FromResult<string?>($"'{command.Host}' is not one of this machine's addresses");
        }

        if (command.Port is not { } port || port is < 0 or > System.Net.IPEndPoint.MaxPort)
        {
            return Task.FromResult<string?>("the port is a number from 0 (any free port) to 65535");
        }

        return server.AddListenerAsync(address, port, tls.Value, cancellationToken);
    }

    // The same rule as the client page's Unix targets: only under the directories the operator listed, never through a
    // link, so a token holder cannot bind (or replace a dead server's socket) anywhere the server's account can write.
    private Task<string?> AddUnixListenerAsync(IConsoleServer server, string? path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return Task.FromResult<string?>("give the path of the new Unix socket");
        }

        if (!Path.IsPathFullyQualified(path))
        {
            // Relative to what serve was started in, which the page cannot see.
            return Task.FromResult<string?>($"'{path}' is not a full path");
        }

        if (_unixDirectories.Check(path, out var refusal) is not { } full)
        {
            return Task.FromResult(refusal);
        }

        try
        {
            _ = new System.Net.Sockets.UnixDomainSocketEndPoint(full);
        }
        catch (ArgumentException)
        {
            return Task.FromResult<string?>($"{full} is too long for a Unix socket path");
        }

        return server.AddUnixListenerAsync(full, cancellationToken);
    }

    private async Task PumpAsync(IConsoleServer? server, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        var nextSnapshot = DateTimeOffset.MinValue;
        try
        {
            do
            {
                var (items, dropped) = _backlog.TakeAll();
                if (items.Length > 0 || dropped > 0)
                {
                    await peer.SendAsync(new EventsFrame(items, dropped), ConsoleJsonContext.Default.EventsFrame, cancellationToken);
                }

                // A connect or disconnect redraws the table at the next tick rather than at the next snapshot,
                // so a new client shows within about 100 ms.
                var membershipChanged = Array.Exists(items, e => e.Kind is ConsoleEventKinds.Connect or ConsoleEventKinds.Disconnect);
                if (membershipChanged || DateTimeOffset.UtcNow >= nextSnapshot)
                {
                    await SendSnapshotAsync(server, cancellationToken);
                    nextSnapshot = DateTimeOffset.UtcNow + options.SnapshotInterval;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            // The page went away mid-send; the read loop sees the close and ends the session.
        }
    }

    private Task SendSnapshotAsync(IConsoleServer? server, CancellationToken cancellationToken)
    {
        var listeners = server?.GetListeners() ?? [];
        var sessions = server?.GetSessions() ?? [];
        var rows = sessions.Count > MaxRows ? sessions.Take(MaxRows).ToArray() : sessions;
        var frame = new SnapshotFrame(DateTimeOffset.UtcNow, listeners, rows, sessions.Count, options.EnableClientPage);
        return peer.SendAsync(frame, ConsoleJsonContext.Default.SnapshotFrame, cancellationToken);
    }
}
