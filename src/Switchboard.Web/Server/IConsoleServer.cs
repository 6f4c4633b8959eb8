namespace Switchboard.Web;

/// <summary>
/// What the console shows and drives: the listeners, the live sessions, the event stream and the chat rooms.
/// The chat server implements it through <see cref="ChatConsoleServer"/>; the console never touches sockets itself.
/// </summary>
public interface IConsoleServer
{
    /// <summary>The listeners, listening or stopped.</summary>
    IReadOnlyList<ConsoleListener> GetListeners();

    /// <summary>Starts (again) the listener named <paramref name="name"/>; a failure message, or null.</summary>
    Task<string?> StartListenerAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stops accepting on the listener named <paramref name="name"/>; open sessions carry on.</summary>
    Task<string?> StopListenerAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Stops accepting on the listener named <paramref name="name"/> and disconnects every session that came in
    /// through it; a failure message, or null. Servers that cannot tell their sessions' listener say so.
    /// </summary>
    Task<string?> StopAndDisconnectAsync(string name, CancellationToken cancellationToken)
        => Task.FromResult<string?>("this server cannot disconnect a listener's sessions");

    /// <summary>
    /// Starts a new TCP listener on <paramref name="address"/> (one of this machine's, checked by the console) and
    /// <paramref name="port"/> (0 picks one), speaking TLS when <paramref name="tls"/>; a failure message, or null.
    /// </summary>
    Task<string?> AddListenerAsync(System.Net.IPAddress address, int port, bool tls, CancellationToken cancellationToken)
        => Task.FromResult<string?>("this server cannot add listeners");

    /// <summary>
    /// Why a new listener cannot speak TLS (no certificate configured), for the page to show beside its TLS choice; null
    /// when it can.
    /// </summary>
    string? TlsListenerUnavailable => null;

    /// <summary>
    /// Starts a new Unix-socket listener on <paramref name="path"/> (a full path under a directory the console allows,
    /// checked by the console); a failure message, or null.
    /// </summary>
    Task<string?> AddUnixListenerAsync(string path, CancellationToken cancellationToken)
        => Task.FromResult<string?>("this server cannot add listeners");

    /// <summary>A snapshot of the live sessions.</summary>
    IReadOnlyList<ConsoleSession> GetSessions();

    /// <summary>Sends one line of text to one session; false when it is gone or not reading.</summary>
    bool SendTo(long sessionId, string text);

    /// <summary>Disconnects one session, telling it why; false when it is gone.</summary>
    Task<bool> KickAsync(long sessionId, string reason);

    /// <summary>Sends a notice to every session; a failure message, or null.</summary>
    Task<string?> AnnounceAsync(string text, CancellationToken cancellationToken);

    /// <summary>
    /// Observes events (connects, disconnects, messages, errors). The handler runs on the thread that raised the
    /// event and must not block. Dispose the result to stop observing.
    /// </summary>
    IDisposable Subscribe(Action<ConsoleEvent> handler);

    /// <summary>The chat rooms that exist now, the default one first.</summary>
    IReadOnlyList<string> GetRooms();

    /// <summary>The recent messages of a room, oldest first.</summary>
    Task<IReadOnlyList<ConsoleChatMessage>> GetHistoryAsync(string room, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> messages of a room with an id above <paramref name="afterId"/>, oldest first:
    /// what a page missed while it was disconnected (ids are the same on every node of a cluster).
    /// </summary>
    Task<IReadOnlyList<ConsoleChatMessage>> GetHistoryAfterAsync(string room, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Enters the chat as a browser user, a member like any other (listed, reached by private messages, kicked and
    /// banned). Throws <see cref="ChatRefusedException"/> when the nick or the browser is not accepted. Dispose the
    /// member to leave.
    /// </summary>
    /// <param name="nick">The nick the user chose.</param>
    /// <param name="browser">The browser's address, for address bans and caps; null when unknown.</param>
    /// <param name="peer">The browser as "address:port", for the server page and logs.</param>
    /// <param name="cancellationToken">Cancels the entry.</param>
    Task<IWebChatMember> JoinChatAsync(string nick, System.Net.IPAddress? browser, string peer, CancellationToken cancellationToken);
}

/// <summary>A browser user in the chat: in one room at a time, as every chat user is.</summary>
public interface IWebChatMember : IAsyncDisposable
{
    /// <summary>The name the others see.</summary>
    string Nick { get; }

    /// <summary>The room the user is in now.</summary>
    string? Room { get; }

    /// <summary>
    /// Moves to a room (leaving the one the user was in); returns its canonical name. Throws
    /// <see cref="ChatRefusedException"/> when it is not valid or not allowed.
    /// </summary>
    Task<string> JoinRoomAsync(string room, CancellationToken cancellationToken);

    /// <summary>Leaves a room for the default one; a failure message, or null.</summary>
    Task<string?> LeaveRoomAsync(string room, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a line the user typed in <paramref name="room"/>: said there, or a command (<c>/msg NICK TEXT</c>,
    /// <c>/me</c>, <c>/who</c>...); a failure message, or null.
    /// </summary>
    Task<string?> SayAsync(string room, string text, CancellationToken cancellationToken);

    /// <summary>
    /// The next thing for this user (messages of the room, private messages, notices, errors), or null once the
    /// chat has ended the user's session (kicked, banned: <see cref="EndReason"/> says which) or the user left.
    /// </summary>
    ValueTask<ConsoleEvent?> ReadEventAsync(CancellationToken cancellationToken);

    /// <summary>Why the chat ended the session, once <see cref="ReadEventAsync"/> has returned null.</summary>
    string? EndReason { get; }
}

/// <summary>The chat refused a browser user's nick or room; the message says why, for people.</summary>
public sealed class ChatRefusedException(string message) : Exception(message);
