using Switchboard.Chat.Server;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat;

// The surface for a web console (or any host code): read the state, watch the events, act as an operator.
// Everything here is thread-safe and never waits on a slow chat client.
public sealed partial class ChatServer
{
    /// <summary>
    /// Raised for every <see cref="ChatServerEvent"/>, synchronously on the thread that caused it (for messages, the
    /// commit writer). Handlers must be quick and must not block; prefer <see cref="Subscribe"/> for anything slow.
    /// </summary>
    public event EventHandler<ChatServerEvent>? EventRaised
    {
        add => _events.Raised += value;
        remove => _events.Raised -= value;
    }

    /// <summary>The store's counters: last id, commits, operations committed (their ratio is the group-commit batch size).</summary>
    public ChatStoreStats StoreStats => new(Store.LastId, Store.Batches, Store.Operations, Store.Description);

    /// <summary>A snapshot of every connected session, oldest first.</summary>
    public IReadOnlyList<ChatSessionInfo> GetSessions() => [.. _sessions.All.OrderBy(s => s.Id).Select(SessionDirectory.Describe)];

    /// <summary>One session by id, or null when it is gone.</summary>
    public ChatSessionInfo? GetSession(long sessionId) => _sessions.Find(sessionId) is { } s ? SessionDirectory.Describe(s) : null;

    /// <summary>The rooms with their members and topics.</summary>
    public IReadOnlyList<ChatRoomInfo> GetRooms() =>
        [.. _rooms.Registry.Snapshot().Select(r => new ChatRoomInfo(r.Name, r.Count, r.Topic, [.. r.Members.Select(m => m.Nick)]))];

    /// <summary>The bans in force (persisted in the store).</summary>
    public IReadOnlyList<ChatBan> GetBans() => _moderation.Bans;

    /// <summary>
    /// Subscribes to the server's events. The subscription buffers up to <paramref name="capacity"/> events and then
    /// drops the oldest, so a slow reader never slows the chat. Dispose it to unsubscribe.
    /// </summary>
    public ChatEventSubscription Subscribe(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return _events.Subscribe(capacity);
    }

    /// <summary>Sends a notice line ("*** text", or a JSON info event) to one session. False when it is gone or not reading.</summary>
    public bool SendToSession(long sessionId, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _sessions.Find(sessionId) is { } session && session.TrySendLine(session.Format.Info(Protocol.TextSanitizer.Clean(text)));
    }

    /// <summary>Disconnects a session, telling it why. False when no such session is connected.</summary>
    public async Task<bool> KickAsync(long sessionId, string? reason = null, string by = "console")
    {
        if (_sessions.Find(sessionId) is not { } session)
        {
            return false;
        }

        await _moderation.KickAsync(session, by, reason);
        return true;
    }

    /// <summary>
    /// Bans a nick or an IP address (stored, so it survives restarts) and disconnects whoever matches it now.
    /// </summary>
    /// <param name="nickOrAddress">A nick, or an IPv4/IPv6 address.</param>
    /// <param name="reason">Shown to the people disconnected, and logged.</param>
    /// <param name="by">Who banned, for the log and the ban list.</param>
    /// <param name="cancellationToken">Cancels waiting for the store.</param>
    /// <exception cref="ArgumentException">It is neither a valid nick nor an address.</exception>
    public Task BanAsync(string nickOrAddress, string? reason = null, string by = "console", CancellationToken cancellationToken = default)
        => _moderation.BanAsync(nickOrAddress, reason, by, cancellationToken);

    /// <summary>Lifts a ban on a nick or an address; false when there was none.</summary>
    public Task<bool> UnbanAsync(string nickOrAddress, CancellationToken cancellationToken = default)
        => _moderation.UnbanAsync(nickOrAddress, cancellationToken);

    /// <summary>An announcement to every session in every room; stored like any message. Completes once committed and delivered.</summary>
    public async Task<ChatMessage> AnnounceAsync(string text, string from = "console", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var committed = await _delivery.EnqueueAsync(ChatMessageKind.Announce, null, from, null, Protocol.TextSanitizer.Clean(text), cancellationToken);
        return await committed;
    }

    /// <summary>
    /// Enters the chat as a user of a web page, named "<paramref name="name"/>@web": a session like a connection's,
    /// in the lobby, listed by <c>/who</c>, reached by <c>/msg</c>, kicked and banned like any user. The name is
    /// unique among every user's nick (compared by look), and the page's address counts and is banned as a
    /// connection's would be.
    /// </summary>
    /// <param name="name">The nick the user chose (without "@web").</param>
    /// <param name="address">The browser's address, for address bans and the per-address cap; null when unknown.</param>
    /// <param name="peer">The browser as "address:port", for the console and logs.</param>
    /// <param name="cancellationToken">Cancels the entry.</param>
    /// <exception cref="InvalidOperationException">Refused; the message says why, in the user's words.</exception>
    public async Task<ChatWebUser> EnterWebUserAsync(string name, System.Net.IPAddress? address, string peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(peer);
        if (_state != 1)
        {
            throw new InvalidOperationException("the chat server is not running");
        }

        try
        {
            return new ChatWebUser(await _webUsers.EnterAsync(name, address, peer, cancellationToken), _webUsers);
        }
        catch (StoreUnavailableException)
        {
            throw new InvalidOperationException("the chat database is unavailable; try again shortly");
        }
    }

    /// <summary>
    /// Posts a message into a room as a web user; it is stored, then delivered to the room like any other, with
    /// the sender shown as "<paramref name="webUser"/>@web". For host code (a script, a test): it has no session, so
    /// nobody can /msg or kick it; the chat page enters its users as sessions (<see cref="EnterWebUserAsync"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The room or the user name is not valid, or the text is longer than <see cref="ChatServerOptions.MaxLineLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The user is over the rate limit or banned (the message says which).</exception>
    public async Task<ChatMessage> PostAsync(string webUser, string room, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (!ChatNames.IsValidNick(webUser))
        {
            throw new ArgumentException($"\"{webUser}\" is not a valid user name", nameof(webUser));
        }

        var name = ChatNames.NormalizeRoom(room) ?? throw new ArgumentException($"\"{room}\" is not a valid room", nameof(room));
        if (_webPosts.Check(webUser, text) is { } refused)
        {
            throw new InvalidOperationException(refused);
        }

        var clean = Protocol.TextSanitizer.Clean(text.ReplaceLineEndings(" "));
        var committed = await _delivery.EnqueueAsync(ChatMessageKind.Say, name, webUser + "@web", null, clean, cancellationToken);
        return await committed;
    }

    /// <summary>
    /// A room's stored messages, oldest first: the last <paramref name="count"/>, or when <paramref name="afterId"/>
    /// is given, the first <paramref name="count"/> after that id (to page forward).
    /// </summary>
    public Task<IReadOnlyList<ChatMessage>> GetHistoryAsync(string room, int count = 100, long? afterId = null, CancellationToken cancellationToken = default)
    {
        var name = ChatNames.NormalizeRoom(room) ?? throw new ArgumentException($"\"{room}\" is not a valid room", nameof(room));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        count = Math.Min(count, Options.MaxHistory);
        return afterId is { } after ? Store.ReadAfterAsync(name, after, count, cancellationToken) : Store.ReadRecentAsync(name, count, cancellationToken);
    }
}
