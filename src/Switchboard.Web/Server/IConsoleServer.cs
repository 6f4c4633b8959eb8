namespace Switchboard.Web;

/// <summary>
/// What the console shows and drives: the listeners, the live sessions, the event stream and the chat rooms.
/// The chat server implements it through an adapter; the console never touches sockets itself.
/// </summary>
public interface IConsoleServer
{
    /// <summary>The listeners, listening or stopped.</summary>
    IReadOnlyList<ConsoleListener> GetListeners();

    /// <summary>Starts (again) the listener named <paramref name="name"/>; a failure message, or null.</summary>
    Task<string?> StartListenerAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stops accepting on the listener named <paramref name="name"/>; open sessions carry on.</summary>
    Task<string?> StopListenerAsync(string name, CancellationToken cancellationToken);

    /// <summary>A snapshot of the live sessions.</summary>
    IReadOnlyList<ConsoleSession> GetSessions();

    /// <summary>Sends one line of text to one session; false when it is gone.</summary>
    bool SendTo(long sessionId, string text);

    /// <summary>Disconnects one session; false when it is gone.</summary>
    bool Kick(long sessionId, string reason);

    /// <summary>Sends a server notice to every session; how many it reached.</summary>
    int Announce(string text);

    /// <summary>
    /// Observes events (connects, disconnects, messages, errors). The handler runs on the thread that raised the
    /// event and must not block. Dispose the result to stop observing.
    /// </summary>
    IDisposable Subscribe(Action<ConsoleEvent> handler);

    /// <summary>The chat rooms that exist now (at least the default one).</summary>
    IReadOnlyList<string> GetRooms();

    /// <summary>The recent messages of a room, oldest first.</summary>
    IReadOnlyList<ConsoleChatMessage> GetHistory(string room);

    /// <summary>
    /// Enters the chat as a browser user with a nick. Fails (with a message) when the nick is invalid or taken.
    /// Dispose the member to leave.
    /// </summary>
    Task<IWebChatMember> JoinChatAsync(string nick, CancellationToken cancellationToken);
}

/// <summary>A browser user in the chat, seen by the TCP users as one of them.</summary>
public interface IWebChatMember : IAsyncDisposable
{
    /// <summary>The nick, as accepted by the server.</summary>
    string Nick { get; }

    /// <summary>Joins a room; a failure message, or null.</summary>
    Task<string?> JoinRoomAsync(string room, CancellationToken cancellationToken);

    /// <summary>Leaves a room.</summary>
    Task LeaveRoomAsync(string room, CancellationToken cancellationToken);

    /// <summary>Says something in a room the member is in; a failure message, or null.</summary>
    Task<string?> SayAsync(string room, string text, CancellationToken cancellationToken);
}

/// <summary>Thrown by <see cref="IConsoleServer.JoinChatAsync"/> when the chat refuses a browser user.</summary>
public sealed class ChatRefusedException(string message) : Exception(message);
