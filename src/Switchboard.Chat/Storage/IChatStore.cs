namespace Switchboard.Chat.Storage;

/// <summary>
/// Where the chat keeps its messages, topics, bans and presence: SQLite for one node, PostgreSQL for several.
/// Writes go through one group-commit queue (<see cref="EnqueueAsync"/>); a message is handed to
/// <see cref="IChatStoreSink.Deliver"/> only once committed, in id order, whichever node wrote it.
/// </summary>
internal interface IChatStore : IAsyncDisposable
{
    /// <summary>What the store is, for logs: the SQLite file, or the PostgreSQL host and database (never a password).</summary>
    string Description { get; }

    /// <summary>The highest message id this node has committed or delivered; what "synced" and the welcome report.</summary>
    long LastId { get; }

    /// <summary>Transactions committed by this node.</summary>
    long Batches { get; }

    /// <summary>Operations committed by this node.</summary>
    long Operations { get; }

    /// <summary>Who is connected, and in which room, across every node sharing the store.</summary>
    IChatPresence Presence { get; }

    /// <summary>Queues a write for the next group commit; waits while the queue is full.</summary>
    /// <exception cref="InvalidOperationException">The store is closed.</exception>
    ValueTask EnqueueAsync(StoreOperation operation, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="count"/> messages of a room (announcements included), oldest first.</summary>
    Task<IReadOnlyList<ChatMessage>> ReadRecentAsync(string room, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Where the last <paramref name="count"/> messages of a room (announcements included) begin and end, and how
    /// many there are, without reading them: a long <c>/history</c> then pages through them with
    /// <see cref="ReadAfterAsync"/> as the reader drains its buffer, instead of holding them all at once.
    /// </summary>
    Task<HistoryWindow> FindRecentAsync(string room, int count, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> messages of a room with an id above <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<ChatMessage>> ReadAfterAsync(string room, long afterId, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<ChatBan>> ReadBansAsync(CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, (string? Topic, string? By)>> ReadTopicsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the messages older than <paramref name="cutoff"/> (history retention), except the newest message,
    /// which always stays so that ids continue after it when the store is opened again; returns how many.
    /// </summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Tells the other nodes (a kick of a user connected elsewhere). One node alone has nobody to tell.</summary>
    Task PublishAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken);
}

/// <summary>What the store calls back into: the chat server's delivery and its reaction to other nodes.</summary>
internal interface IChatStoreSink
{
    /// <summary>A committed message, in id order, exactly once per message; called from one task at a time.</summary>
    void Deliver(ChatMessage message);

    /// <summary>Something another node did that this node must apply (a ban, a topic, a kick).</summary>
    void Apply(ClusterEvent clusterEvent);

    /// <summary>
    /// The bans and topics as the store holds them now, after this node may have missed notices (its connection to
    /// the database was lost): apply what changed.
    /// </summary>
    void Resync(IReadOnlyList<ChatBan> bans, IReadOnlyDictionary<string, (string? Topic, string? By)> topics);

    /// <summary>This node's users and their rooms, to claim again after the database forgot them (a long outage).</summary>
    IReadOnlyList<(string Nick, string? Room)> LocalUsers();
}

/// <summary>A run of a room's messages: ids from <paramref name="FirstId"/> to <paramref name="LastId"/>, <paramref name="Count"/> of them (0: none).</summary>
internal readonly record struct HistoryWindow(long FirstId, long LastId, int Count);

/// <summary>A ban kept in the store.</summary>
/// <param name="Kind">"nick" or "address".</param>
/// <param name="Value">The nick (lower case) or the IP address.</param>
/// <param name="Reason">Why, as the operator said.</param>
/// <param name="By">The operator's nick.</param>
/// <param name="Time">When the ban was set.</param>
public sealed record ChatBan(string Kind, string Value, string? Reason, string? By, DateTimeOffset Time);
