using System.Threading.Channels;

namespace Switchboard.Chat;

/// <summary>What happened, in a <see cref="ChatServerEvent"/>.</summary>
public enum ChatEventKind
{
    /// <summary>A session connected (<see cref="ChatServerEvent.Session"/> is set).</summary>
    Connected,

    /// <summary>A session ended; <see cref="ChatServerEvent.Text"/> is the reason.</summary>
    Disconnected,

    /// <summary>A message was committed and delivered (<see cref="ChatServerEvent.Message"/> is set).</summary>
    Message,

    /// <summary>A nick changed: <see cref="ChatServerEvent.Text"/> is the old nick, <see cref="ChatServerEvent.Nick"/> the new one.</summary>
    NickChanged,

    /// <summary>A session joined <see cref="ChatServerEvent.Room"/>.</summary>
    Joined,

    /// <summary>A session left <see cref="ChatServerEvent.Room"/>.</summary>
    Parted,

    /// <summary>A room's topic changed to <see cref="ChatServerEvent.Text"/>.</summary>
    Topic,

    /// <summary>Input was rejected or a session was dropped for misbehaving; <see cref="ChatServerEvent.Text"/> says why.</summary>
    Error,

    /// <summary>A listener stopped accepting (its sessions carry on); <see cref="ChatServerEvent.Text"/> names it ("tcp 127.0.0.1:8899").</summary>
    ListenerStopped,

    /// <summary>A listener accepts again; <see cref="ChatServerEvent.Text"/> names it, with the port it is bound to now.</summary>
    ListenerStarted,

    /// <summary>A listener was added while the server runs (<see cref="ChatServer.AddListenerAsync"/>); <see cref="ChatServerEvent.Text"/> names it.</summary>
    ListenerAdded,
}

/// <summary>
/// One event of the server, flat so that it serialises to JSON as is. Fields that do not apply to the
/// <see cref="Kind"/> are null.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Time">When (UTC).</param>
/// <param name="SessionId">The session concerned (its connection id).</param>
/// <param name="Nick">The session's nick.</param>
/// <param name="Peer">The session's peer address:port or socket path.</param>
/// <param name="Room">The room concerned.</param>
/// <param name="Text">The reason, old nick, topic or error, depending on <see cref="Kind"/>.</param>
/// <param name="Message">The committed message, for <see cref="ChatEventKind.Message"/>.</param>
/// <param name="Session">The session as it was, for <see cref="ChatEventKind.Connected"/>.</param>
public sealed record ChatServerEvent(
    ChatEventKind Kind,
    DateTimeOffset Time,
    long? SessionId = null,
    string? Nick = null,
    string? Peer = null,
    string? Room = null,
    string? Text = null,
    ChatMessage? Message = null,
    ChatSessionInfo? Session = null);

/// <summary>
/// A live feed of <see cref="ChatServerEvent"/>s from <see cref="ChatServer.Subscribe"/>. The buffer is bounded:
/// a subscriber that falls behind loses its oldest events rather than slowing the server. Dispose to unsubscribe.
/// </summary>
public sealed class ChatEventSubscription : IDisposable
{
    private readonly Channel<ChatServerEvent> _channel;
    private readonly Action<ChatEventSubscription> _unsubscribe;

    internal ChatEventSubscription(int capacity, Action<ChatEventSubscription> unsubscribe)
    {
        _channel = Channel.CreateBounded<ChatServerEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false });
        _unsubscribe = unsubscribe;
    }

    /// <summary>The events, in the order they happened; completes when the subscription or the server ends.</summary>
    public ChannelReader<ChatServerEvent> Reader => _channel.Reader;

    /// <summary>Unsubscribes and completes <see cref="Reader"/>.</summary>
    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    internal void Publish(ChatServerEvent e) => _channel.Writer.TryWrite(e);

    internal void Complete() => _channel.Writer.TryComplete();
}
