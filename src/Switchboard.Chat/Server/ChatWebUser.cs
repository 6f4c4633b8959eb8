using Switchboard.Chat.Server;

namespace Switchboard.Chat;

/// <summary>
/// A user of a web chat page as a session of the chat server (<see cref="ChatServer.EnterWebUserAsync"/>): listed
/// by <c>/who</c>, reached by <c>/msg</c>, kicked and banned like any user. What the server sends the user comes
/// from <see cref="ReadLineAsync"/> as the chat's JSON lines (docs/PROTOCOL.md); what the user types goes to
/// <see cref="SendLineAsync"/>. Dispose it when the page goes.
/// </summary>
public sealed class ChatWebUser : IAsyncDisposable
{
    private readonly ChatSession _session;
    private readonly WebUsers _users;

    internal ChatWebUser(ChatSession session, WebUsers users)
    {
        _session = session;
        _users = users;
    }

    /// <summary>The name the others see and use: "name@web".</summary>
    public string Nick => _session.Nick;

    /// <summary>The session's id (negative for web users), as in <see cref="ChatServer.GetSessions"/>.</summary>
    public long SessionId => _session.Id;

    /// <summary>The room the user is in.</summary>
    public string? Room => _session.Room?.Name;

    /// <summary>Why the session ended (kicked, banned, not reading, a flood, too many invalid lines, idle), once it has; null while it lasts.</summary>
    public string? EndReason => _session.Web!.CloseReason;

    /// <summary>
    /// The next line for the user, a JSON object without the newline (a message, a join, an error...), or null once
    /// the session has ended and everything before the end (a kick's reason, say) has been read.
    /// </summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        var line = await _session.Web!.ReadAsync(cancellationToken);
        return line is null ? null : System.Text.Encoding.UTF8.GetString(line).TrimEnd('\n');
    }

    /// <summary>Moves the user to a room (one at a time, as <c>/join</c>); returns its canonical name. No history is replayed.</summary>
    /// <exception cref="ArgumentException">Not a valid room name.</exception>
    /// <exception cref="InvalidOperationException">A new room over the server's caps, or the session has ended.</exception>
    public Task<string> JoinAsync(string room, CancellationToken cancellationToken = default) => _users.JoinAsync(_session, room, cancellationToken);

    /// <summary>
    /// A line the user typed: said in their room, or a command (<c>/msg NICK TEXT</c>, <c>/me</c>, <c>/who</c>...),
    /// within the limits of every user: the line length and rate limit, and, as on a connection, the session is
    /// closed after <see cref="ChatServerOptions.FloodDisconnectAfter"/> dropped lines in a row, after
    /// <see cref="ChatServerOptions.MaxInvalidLines"/> invalid ones (a NUL byte, an over-long line), or when neither a
    /// line nor a <see cref="JoinAsync"/> came for <see cref="ChatServerOptions.IdleTimeout"/>; the notice arrives through
    /// <see cref="ReadLineAsync"/> before the end. Null when the line went ahead, otherwise why not; a command's own
    /// errors arrive through <see cref="ReadLineAsync"/>.
    /// </summary>
    public Task<string?> SendLineAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        return _users.SendLineAsync(_session, line, cancellationToken);
    }

    /// <summary>Leaves the chat: the room hears the user leave and the nick is free again.</summary>
    public async ValueTask DisposeAsync() => await _users.EndAsync(_session);
}
