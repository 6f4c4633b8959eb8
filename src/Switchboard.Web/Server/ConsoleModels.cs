namespace Switchboard.Web;

/// <summary>A listener as the server page shows it.</summary>
/// <param name="Name">A stable name, used to start and stop it.</param>
/// <param name="Transport">tcp, tls, unix or udp.</param>
/// <param name="Address">The bound address, or the socket path.</param>
/// <param name="Port">The bound port; null for a Unix socket.</param>
/// <param name="Tls">Whether it speaks TLS.</param>
/// <param name="Listening">Whether it accepts new connections now.</param>
/// <param name="Connections">Live sessions that came through it.</param>
/// <param name="CanStartStop">Whether the server lets the console start and stop this listener.</param>
public sealed record ConsoleListener(string Name, string Transport, string Address, int? Port, bool Tls, bool Listening, int Connections, bool CanStartStop);

/// <summary>A live session as the server page's table shows it.</summary>
/// <param name="Id">The connection id.</param>
/// <param name="Transport">tcp, tls, unix, udp or web.</param>
/// <param name="Peer">The peer's address:port, or socket path.</param>
/// <param name="Nick">The chat nick, once set.</param>
/// <param name="Room">The room the session is in.</param>
/// <param name="Since">When it connected.</param>
/// <param name="BytesIn">Bytes received from the peer.</param>
/// <param name="BytesOut">Bytes sent to the peer.</param>
/// <param name="MessagesIn">Messages received.</param>
/// <param name="MessagesOut">Messages sent.</param>
public sealed record ConsoleSession(long Id, string Transport, string Peer, string? Nick, string? Room, DateTimeOffset Since, long BytesIn, long BytesOut, long MessagesIn, long MessagesOut);

/// <summary>The kinds of <see cref="ConsoleEvent"/>.</summary>
public static class ConsoleEventKinds
{
    /// <summary>A session connected.</summary>
    public const string Connect = "connect";

    /// <summary>A session disconnected.</summary>
    public const string Disconnect = "disconnect";

    /// <summary>A chat message.</summary>
    public const string Message = "message";

    /// <summary>An announcement to everyone.</summary>
    public const string Announce = "announce";

    /// <summary>Something went wrong.</summary>
    public const string Error = "error";

    /// <summary>A nick set, a room joined or left, a notice.</summary>
    public const string Info = "info";

    /// <summary>A private message, to or from the chat page's user.</summary>
    public const string Private = "private";
}

/// <summary>Something that happened on the server.</summary>
/// <param name="At">When.</param>
/// <param name="Kind">One of <see cref="ConsoleEventKinds"/>.</param>
/// <param name="SessionId">The session concerned, if any.</param>
/// <param name="Nick">Its nick, if any.</param>
/// <param name="Room">The room, for chat events.</param>
/// <param name="Text">What happened, or what was said.</param>
/// <param name="MessageId">The stored message's id, for chat messages (pages use it to drop a repeat).</param>
/// <param name="Target">For a private message: whom it is to.</param>
public sealed record ConsoleEvent(DateTimeOffset At, string Kind, long? SessionId, string? Nick, string? Room, string Text, long? MessageId = null, string? Target = null);

/// <summary>A chat message, live or from history.</summary>
/// <param name="Id">The stored message's id.</param>
/// <param name="At">When it was said.</param>
/// <param name="Room">The room.</param>
/// <param name="Nick">Who said it; null for a server notice.</param>
/// <param name="Text">What was said.</param>
public sealed record ConsoleChatMessage(long Id, DateTimeOffset At, string Room, string? Nick, string Text);
