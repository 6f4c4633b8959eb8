using Switchboard.Net;

namespace Switchboard.Chat;

// Listeners for a console: list them, stop one (its sessions carry on), start it again.
public sealed partial class ChatServer
{
    // One stop or start at a time, so two consoles clicking at once give one transition and one event.
    private readonly SemaphoreSlim _listenerControl = new(1, 1);

    /// <summary>The listeners, with their bound endpoints (the real port when 0 was asked for) and states.</summary>
    public IReadOnlyList<ChatListenerInfo> Listeners => [.. _listeners.Select((l, id) => Describe(l, id))];

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
        if (Volatile.Read(ref _state) != 1)
        {
            throw new InvalidOperationException("the chat server is not running");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(listenerId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(listenerId, _listeners.Count);
        return _listeners[listenerId];
    }

    private ChatListenerInfo Describe(SwitchboardListener l, int id)
        => new(l.TransportKind, SwitchboardConnection.DescribeEndPoint(l.BoundEndPoint), l.BoundEndPoint,
            _sessions.All.Count(s => s.Connection.LocalEndPoint?.Equals(l.BoundEndPoint) == true), id, l.State);

    private static string Name(ChatListenerInfo info) => $"{info.Transport.ToString().ToLowerInvariant()} {info.EndPoint}";
}
