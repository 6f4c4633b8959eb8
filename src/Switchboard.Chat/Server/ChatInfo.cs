using System.Net;
using Switchboard.Net;

namespace Switchboard.Chat;

/// <summary>A snapshot of one connected session, for the web console and logs.</summary>
/// <param name="Id">The session id (the connection id); pass it to <see cref="ChatServer.SendToSession"/> or <see cref="ChatServer.KickAsync"/>.</param>
/// <param name="Transport">TCP, TLS or Unix socket.</param>
/// <param name="Peer">The peer as "address:port", or the socket path.</param>
/// <param name="Nick">The current nick.</param>
/// <param name="Room">The current room, or null.</param>
/// <param name="Mode">Text or JSON output.</param>
/// <param name="IsOperator">Whether the session has done <c>/oper</c>.</param>
/// <param name="Since">When it connected.</param>
/// <param name="BytesIn">Bytes received from the peer.</param>
/// <param name="BytesOut">Bytes sent to the peer.</param>
/// <param name="MessagesIn">Lines received.</param>
/// <param name="MessagesOut">Lines queued for the peer.</param>
/// <param name="QueuedBytes">Output not yet sent: it grows when the peer does not read.</param>
public sealed record ChatSessionInfo(
    long Id,
    TransportKind Transport,
    string Peer,
    string Nick,
    string? Room,
    OutputMode Mode,
    bool IsOperator,
    DateTimeOffset Since,
    long BytesIn,
    long BytesOut,
    long MessagesIn,
    long MessagesOut,
    long QueuedBytes)
{
    /// <summary>
    /// A user of the web console's chat page (<see cref="ChatServer.EnterWebUserAsync"/>) rather than a connection:
    /// <see cref="Transport"/> is then the browser's (TCP), <see cref="Peer"/> the browser's address.
    /// </summary>
    public bool IsWeb { get; init; }
}

/// <summary>One listener of the server.</summary>
/// <param name="Transport">TCP, TLS or Unix socket.</param>
/// <param name="EndPoint">The bound endpoint as text: "127.0.0.1:8899", or "unix:/path".</param>
/// <param name="BoundEndPoint">The bound endpoint (with the real port when 0 was asked for).</param>
/// <param name="Connections">Connections open on it now.</param>
/// <param name="Id">Its position in <see cref="ChatServer.Listeners"/>; pass it to <see cref="ChatServer.StopListenerAsync"/> and <see cref="ChatServer.StartListenerAsync"/>.</param>
/// <param name="State">Listening, draining (stopped, with its address held by open connections), stopped, or closed.</param>
public sealed record ChatListenerInfo(TransportKind Transport, string EndPoint, EndPoint BoundEndPoint, int Connections, int Id, ListenerState State)
{
    /// <summary>Whether it accepts new connections now.</summary>
    public bool IsListening => State == ListenerState.Listening;
}

/// <summary>One room.</summary>
/// <param name="Name">The name, without '#'.</param>
/// <param name="Members">How many sessions are in it.</param>
/// <param name="Topic">The topic, or null.</param>
/// <param name="Nicks">The members' nicks.</param>
public sealed record ChatRoomInfo(string Name, int Members, string? Topic, IReadOnlyList<string> Nicks);

/// <summary>Counters of the store's group commit.</summary>
/// <param name="LastId">The highest message id assigned.</param>
/// <param name="Commits">Transactions committed since start.</param>
/// <param name="Operations">Writes (messages, bans, topics) committed since start; divided by <paramref name="Commits"/> it is the mean batch size.</param>
/// <param name="DatabasePath">The SQLite file, or the PostgreSQL database as postgresql://user@host:port/database (no password).</param>
public sealed record ChatStoreStats(long LastId, long Commits, long Operations, string DatabasePath);
