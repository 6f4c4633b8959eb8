using System.Net;
using Switchboard.Net;

namespace Switchboard.Chat;

// Listeners for a console: list them, stop one (its sessions carry on), start it again, add one.
public sealed partial class ChatServer
{
    // One stop or start at a time, so two consoles clicking at once give one transition and one event.
    private readonly SemaphoreSlim _listenerControl = new(1, 1);

    /// <summary>The listeners, with their bound endpoints (the real port when 0 was asked for) and states.</summary>
    public IReadOnlyList<ChatListenerInfo> Listeners
    {
        get
        {
            lock (_listeners)
            {
                return [.. _listeners.Select((l, id) => Describe(l, id))];
            }
        }
    }

    /// <summary>
    /// Adds a TCP listener (TLS with the configured certificate when <paramref name="tls"/>) while the server runs,
    /// with the same limits as the configured ones; the console's "start a new listener". Its sessions join the
    /// same rooms. It lasts until the server stops.
    /// </summary>
    /// <param name="address">The address to bind (the caller decides which are allowed).</param>
    /// <param name="port">The port; 0 picks a free one, shown in <see cref="Listeners"/>.</param>
    /// <param name="tls">Whether it speaks TLS; needs <see cref="ChatServerOptions.CertificateFile"/> and <see cref="ChatServerOptions.KeyFile"/>.</param>
    /// <param name="by">Who added it, for the log and the event.</param>
    /// <param name="cancellationToken">Cancels binding.</param>
    /// <returns>The new listener as <see cref="Listeners"/> shows it.</returns>
    /// <exception cref="InvalidOperationException">The server is not running, or TLS was asked for without a certificate.</exception>
    /// <exception cref="IOException">The address is in use or cannot be bound.</exception>
    public async Task<ChatListenerInfo> AddListenerAsync(IPAddress address, int port, bool tls, string by = "console", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        if (tls && (Options.CertificateFile is null || Options.KeyFile is null))
        {
            throw new InvalidOperationException("a TLS listener needs the server's certificate and key (--cert and --key)");
        }

        EnsureRunning();
        var options = Configure(ListenerOptions.Tcp(address, port));
        if (tls)
        {
            ConfigureTls(options);
        }

        return await AddAsync(options, by, cancellationToken);
    }

    /// <summary>
    /// Adds a Unix-socket listener on <paramref name="path"/> while the server runs, as <see cref="AddListenerAsync"/> adds
    /// a TCP one: same limits, same rooms, until the server stops (which removes the socket file). A dead server's
    /// leftover socket there is replaced; a live one, or anything that is not a socket, is refused.
    /// </summary>
    /// <param name="path">The socket path (the caller decides which directories are allowed).</param>
    /// <param name="by">Who added it, for the log and the event.</param>
    /// <param name="cancellationToken">Cancels binding.</param>
    /// <returns>The new listener as <see cref="Listeners"/> shows it.</returns>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    /// <exception cref="IOException">The path is taken or cannot be bound.</exception>
    public async Task<ChatListenerInfo> AddUnixListenerAsync(string path, string by = "console", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        EnsureRunning();
        return await AddAsync(Configure(ListenerOptions.Unix(path)), by, cancellationToken);
    }

    private async Task<ChatListenerInfo> AddAsync(ListenerOptions options, string by, CancellationToken cancellationToken)
    {
        await _listenerControl.WaitAsync(cancellationToken);
        try
        {
            var listener = await SwitchboardListener.StartAsync(options, _connections.HandleAsync, _loggerFactory, _registry, cancellationToken);
            int id;
            lock (_listeners)
            {
                // StopAsync copies the list under this lock after marking the server stopping: too late to join it.
                if (Volatile.Read(ref _state) != 1)
                {
                    id = -1;
                }
                else
                {
                    _listeners.Add(listener);
                    id = _listeners.Count - 1;
                }
            }

            if (id < 0)
            {
                await listener.DisposeAsync();
                throw new InvalidOperationException("the chat server is not running");
            }

            var info = Describe(listener, id);
            Log.ListenerStarted(_logger, Name(info), by);
            _events.Publish(new ChatServerEvent(ChatEventKind.ListenerAdded, DateTimeOffset.UtcNow, Text: Name(info)));
            return info;
        }
        finally
        {
            _listenerControl.Release();
        }
    }

    /// <summary>
    /// Stops accepting on one listener; the sessions that came through it carry on. While any remain, a TCP
    /// port or Unix socket stays bound and newcomers are closed on arrival; the address is released when the
    /// last one ends. Nothing happens when it is already stopped.
    /// </summary>
    /// <param name="listenerId">The listener's <see cref="ChatListenerInfo.Id"/>.</param>
    /// <param name="by">Who stopped it, for the log and the event.</param>
    /// <exception cref="ArgumentOutOfRangeException">No listener has that id.</exception>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    public async Task StopListenerAsync(int listenerId, string by = "console")
    {
        var listener = RunningListener(listenerId);
        await _listenerControl.WaitAsync();
        try
        {
            if (!listener.IsListening)
            {
                return;
            }

            await listener.StopListeningAsync();
            var info = Describe(listener, listenerId);
            Log.ListenerStopped(_logger, Name(info), by, info.Connections);
            _events.Publish(new ChatServerEvent(ChatEventKind.ListenerStopped, DateTimeOffset.UtcNow, Text: Name(info)));
        }
        finally
        {
            _listenerControl.Release();
        }
    }

    /// <summary>
    /// Starts accepting again on a listener stopped by <see cref="StopListenerAsync"/>. It keeps its port (or
    /// path) when that is still held or free; a listener asked for port 0 may come back on a new port, shown in
    /// <see cref="Listeners"/>. Nothing happens when it is already listening.
    /// </summary>
    /// <param name="listenerId">The listener's <see cref="ChatListenerInfo.Id"/>.</param>
    /// <param name="by">Who started it, for the log and the event.</param>
    /// <param name="cancellationToken">Cancels binding again.</param>
    /// <exception cref="ArgumentOutOfRangeException">No listener has that id.</exception>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    /// <exception cref="IOException">The address has been taken by someone else meanwhile; the listener stays stopped.</exception>
    public async Task StartListenerAsync(int listenerId, string by = "console", CancellationToken cancellationToken = default)
    {
        var listener = RunningListener(listenerId);
        await _listenerControl.WaitAsync(cancellationToken);
        try
        {
            if (listener.IsListening)
            {
                return;
            }

            await listener.StartListeningAsync(cancellationToken);
            var name = Name(Describe(listener, listenerId));
            Log.ListenerStarted(_logger, name, by);
            _events.Publish(new ChatServerEvent(ChatEventKind.ListenerStarted, DateTimeOffset.UtcNow, Text: name));
        }
        finally
        {
            _listenerControl.Release();
        }
    }

    private SwitchboardListener RunningListener(int listenerId)
    {
        EnsureRunning();
        lock (_listeners)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(listenerId);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(listenerId, _listeners.Count);
            return _listeners[listenerId];
        }
    }

    private void EnsureRunning()
    {
        if (Volatile.Read(ref _state) != 1)
        {
            throw new InvalidOperationException("the chat server is not running");
        }
    }

    private ChatListenerInfo Describe(SwitchboardListener l, int id)
        => new(l.TransportKind, SwitchboardConnection.DescribeEndPoint(l.BoundEndPoint), l.BoundEndPoint,
            _sessions.All.Count(s => s.Connection?.LocalEndPoint?.Equals(l.BoundEndPoint) == true), id, l.State);

    private static string Name(ChatListenerInfo info) => $"{info.Transport.ToString().ToLowerInvariant()} {info.EndPoint}";
}
