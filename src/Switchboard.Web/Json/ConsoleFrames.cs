namespace Switchboard.Web.Json;

// What the pages and the server say to each other over the WebSocket. Every frame to the browser carries a "type";
// every frame from it carries an "op". Bytes travel as base64 (System.Text.Json's encoding of byte[]).

/// <summary>A request from a page. Which fields matter depends on <see cref="Op"/>.</summary>
internal sealed record ConsoleCommand
{
    public string Op { get; init; } = "";

    public long? Id { get; init; }

    public string? Name { get; init; }

    public string? Text { get; init; }

    public string? Ending { get; init; }

    public string? Hex { get; init; }

    public string? Transport { get; init; }

    public string? Host { get; init; }

    public int? Port { get; init; }

    public string? Path { get; init; }

    public bool Insecure { get; init; }

    public string? Nick { get; init; }

    public string? Room { get; init; }

    /// <summary>For "nick" and "join" after a reconnect: the last message id the page has of that room.</summary>
    public long? Since { get; init; }
}

/// <summary>The answer to a command: done, or why not.</summary>
internal sealed record ResultFrame(string Op, bool Ok, string? Message)
{
    public string Type => "result";
}

/// <summary>The server page's picture of the server: listeners and sessions.</summary>
internal sealed record SnapshotFrame(DateTimeOffset At, IReadOnlyList<ConsoleListener> Listeners, IReadOnlyList<ConsoleSession> Sessions, int TotalSessions, bool ClientPage)
{
    public string Type => "snapshot";
}

/// <summary>
/// What the server page offers for a new listener: this machine's own addresses, why TLS is not available (null when it
/// is), and the directories a Unix socket may be put in (none: no Unix sockets).
/// </summary>
internal sealed record AddressesFrame(IReadOnlyList<string> Addresses, string? TlsUnavailable, IReadOnlyList<string> UnixDirectories)
{
    public string Type => "addresses";
}

/// <summary>Events since the last frame; <see cref="Dropped"/> counts those the backlog had to discard.</summary>
internal sealed record EventsFrame(IReadOnlyList<ConsoleEvent> Items, long Dropped)
{
    public string Type => "events";
}

/// <summary>The client page's connection state.</summary>
internal sealed record ClientStateFrame(string State, string? Detail, string? Transport, string? Remote, string? Local)
{
    public string Type => "state";
}

/// <summary>Bytes received ("in") or sent ("out") by the client page's connection.</summary>
internal sealed record ClientDataFrame(DateTimeOffset At, string Dir, byte[] Data, string? From)
{
    public string Type => "data";
}

/// <summary>The client page's byte and message counters.</summary>
internal sealed record ClientCountersFrame(long BytesIn, long BytesOut, long ChunksIn, long ChunksOut)
{
    public string Type => "counters";
}

/// <summary>The chat page's user: the nick accepted and the rooms it is in.</summary>
internal sealed record ChatWelcomeFrame(string Nick, IReadOnlyList<string> Rooms, IReadOnlyList<string> AllRooms)
{
    public string Type => "welcome";
}

/// <summary>
/// The recent messages of a room just joined; or, when <paramref name="Resumed"/>, every message after the id the page
/// asked for, to append to what it shows (after a reconnect).
/// </summary>
internal sealed record ChatHistoryFrame(string Room, IReadOnlyList<ConsoleChatMessage> Messages, bool Resumed = false)
{
    public string Type => "history";
}

/// <summary>Live chat events of the rooms the page is in.</summary>
internal sealed record ChatEventsFrame(IReadOnlyList<ConsoleEvent> Items)
{
    public string Type => "chat";
}

/// <summary>The rooms that exist.</summary>
internal sealed record ChatRoomsFrame(IReadOnlyList<string> Rooms, IReadOnlyList<string> Joined)
{
    public string Type => "rooms";
}

/// <summary>The chat ended the page's session (a kick, a ban): the page shows why and does not enter again by itself.</summary>
internal sealed record ChatEndedFrame(string Reason)
{
    public string Type => "ended";
}
