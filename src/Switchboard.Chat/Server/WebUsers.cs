using System.Net;
using System.Text;
using Switchboard.Chat.Commands;
using Switchboard.Chat.Protocol;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Server;

/// <summary>
/// Users of the web console's chat page as sessions of the server, like a connection's: the same admission
/// (address bans, per-address and total caps), one namespace of nicks, the lobby, the same commands, and the same
/// end, and the same input limits (<see cref="InputLimits"/>: rate, flood, invalid lines, idle). Only the way in
/// differs: lines come from the page's socket instead of a read loop, and go out through a <see cref="WebSessionLink"/>.
/// </summary>
internal sealed class WebUsers(
    ChatServerOptions options,
    SessionDirectory sessions,
    Moderation moderation,
    RoomService rooms,
    CommandTable commands,
    IChatCommandHost host,
    WebPostGate gate,
    InputLimits limits,
    ChatConnectionHandler connections,
    Func<IChatStore> store)
{
    // What the page itself does (its nick, its room, leaving): typed, they would change the session behind the
    // page's back. The page offers each of them; JSON is the page's format.
    private static readonly HashSet<string> s_pageCommands = new(StringComparer.OrdinalIgnoreCase) { "nick", "mode", "join", "part", "quit" };

    /// <summary>Admits a page's user as "<paramref name="name"/>@web" into the lobby; refuses with the reason, in the user's words.</summary>
    /// <exception cref="InvalidOperationException">Refused (banned address, too many connections, the nick taken or banned).</exception>
    public async Task<ChatSession> EnterAsync(string name, IPAddress? address, string peer, CancellationToken cancellationToken)
    {
        if (address is not null && moderation.IsBanned("address", address.ToString()))
        {
            throw new InvalidOperationException("this address is banned from the server");
        }

        if (address is not null && !sessions.TryCountAddress(address, options.MaxConnectionsPerAddress))
        {
            throw new InvalidOperationException($"at most {options.MaxConnectionsPerAddress} connections per address");
        }

        var counted = address is not null;
        try
        {
            if (sessions.Count >= options.MaxConnections)
            {
                throw new InvalidOperationException("the server has too many connections; try again later");
            }

            var link = new WebSessionLink(WebSessionLink.NextId(), address, peer, options.MaxOutboundBufferSize);
            var session = new ChatSession(link, string.Empty) { ReplyTimeout = options.ReplyTimeout };
            session.Input = limits.For(session);
            if (await sessions.ClaimWebNickAsync(session, name, cancellationToken) is { } refused)
            {
                throw new InvalidOperationException(refused.Text);
            }

            // From here EndAsync uncounts the address and frees the nick. However the session ends (a kick, a ban,
            // a page that stopped reading, the page leaving), it ends there, once.
            counted = false;
            link.Closed.Register(() => _ = EndAsync(session));
            try
            {
                await connections.BeginSessionAsync(session, cancellationToken);
                await rooms.JoinAsync(session, rooms.Lobby, since: store().LastId, cancellationToken);
                session.Input.RestartIdleClock();
            }
            catch
            {
                link.Abort("could not enter the chat");
                await EndAsync(session);
                throw;
            }

            return session;
        }
        finally
        {
            if (counted)
            {
                sessions.UncountAddress(address!);
            }
        }
    }

    /// <summary>Moves the session to a room, as <c>/join</c> does; the page reads the room's history itself, so none is replayed.</summary>
    /// <exception cref="ArgumentException">Not a valid room name.</exception>
    /// <exception cref="InvalidOperationException">A new room over the caps, or the session has ended.</exception>
    public async Task<string> JoinAsync(ChatSession session, string room, CancellationToken cancellationToken)
    {
        var name = ChatNames.NormalizeRoom(room) ?? throw new ArgumentException($"\"{room}\" is not a valid room: letters, digits, '_' or '-', {ChatNames.MaxRoomLength} at most", nameof(room));
        if (session.Web!.IsClosed)
        {
            throw new InvalidOperationException(session.Web!.CloseReason ?? "you have left the chat");
        }

        session.Input!.RestartIdleClock();
        switch (rooms.TryOpen(name, session.Address, out var opened))
        {
            case RoomOpen.TooManyRooms:
                throw new InvalidOperationException($"#{name} does not exist and the server has its maximum of {options.MaxRooms} rooms; join an existing one");
            case RoomOpen.TooFast:
                throw new InvalidOperationException($"#{name} does not exist and your address has created {options.MaxRoomsPerAddressPerMinute} rooms in the last minute; try again shortly");
        }

        // Replay only what commits from now on (held back until the join is done, as for /join): the page has
        // read, or is about to read, the room's recent history or what it missed.
        await rooms.JoinAsync(session, opened!, since: store().LastId, cancellationToken);
        return opened!.Name;
    }

    /// <summary>
    /// A line the user typed, run as a connection's line is: said in their room, or a command (<c>/msg</c>,
    /// <c>/who</c>, <c>/me</c>, operators' commands...). Null when it went ahead; otherwise why not.
    /// </summary>
    public async Task<string?> SendLineAsync(ChatSession session, string line, CancellationToken cancellationToken)
    {
        if (session.Web!.IsClosed)
        {
            return session.Web!.CloseReason ?? "you have left the chat";
        }

        var input = session.Input!;
        input.RestartIdleClock();
        if (gate.Banned(ChatNames.WithoutWebTag(session.Nick)) is { } banned)
        {
            return banned;
        }

        if (await input.TakeAsync() is { } limited)
        {
            return limited.Text;
        }

        // A page may send a paragraph; a chat line is one line.
        line = line.ReplaceLineEndings(" ");
        if (Invalid(line) is { } invalid)
        {
            return (await input.InvalidAsync(invalid.Code, invalid.Text)).Text;
        }

        session.Web!.CountReceived(Encoding.UTF8.GetByteCount(line));
        if (line.StartsWith('/') && !line.StartsWith("//", StringComparison.Ordinal))
        {
            var end = line.IndexOf(' ');
            var name = end < 0 ? line[1..] : line[1..end];
            if (s_pageCommands.Contains(name))
            {
                return $"/{name} is done with the page itself here";
            }
        }

        if (await commands.ExecuteAsync(host, session, TextSanitizer.Clean(line), cancellationToken) is { } ended)
        {
            session.Web.Close(ended);
        }

        return null;
    }

    // What a connection's read loop would refuse as invalid. A connection is closed at once for an over-long line, as
    // its framing cannot find the next one; a page's post is whole, so it counts as invalid, as a NUL byte does.
    private (string Code, string Text)? Invalid(string line)
    {
        if (Encoding.UTF8.GetByteCount(line) > options.MaxLineLength)
        {
            return ("line-too-long", $"line longer than {options.MaxLineLength} bytes; not posted");
        }

        return TextSanitizer.ContainsNul(line) ? ("nul-byte", "line dropped: it contains a NUL byte") : null;
    }

    /// <summary>The page left (or the session was ended): forget the session, once.</summary>
    public async Task EndAsync(ChatSession session)
    {
        var link = session.Web!;
        link.Close("left the chat");
        if (!link.TryMarkEnded())
        {
            return;
        }

        session.Input?.Stop();

        if (session.Address is not null)
        {
            sessions.UncountAddress(session.Address);
        }

        await connections.EndSessionAsync(session, session.EndReason ?? link.CloseReason ?? "left the chat");
    }
}
