using System.Collections.Concurrent;
using System.Net;
using Switchboard.Chat.Storage;
using Switchboard.Net;

namespace Switchboard.Chat.Server;

/// <summary>
/// The sessions of this node, by id and by nick, and the connections per address. Nicks are claimed in presence
/// first, so they are unique across every node sharing the store, then here.
/// </summary>
internal sealed class SessionDirectory(Func<IChatStore> store, Func<string, bool> isNickBanned)
{
    private readonly ConcurrentDictionary<long, ChatSession> _sessions = new();
    // By skeleton: nicks that look alike (aIice, alice) are one nick.
    private readonly ConcurrentDictionary<string, ChatSession> _nicks = new(NickSkeleton.Comparer);
    // Keyed by AddressKey: an IPv6 client counts by its /64, which one user is handed whole and could rotate through.
    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public IEnumerable<ChatSession> All => _sessions.Values;

    public ChatSession? Find(long sessionId) => _sessions.GetValueOrDefault(sessionId);

    public ChatSession? FindByNick(string nick) => _nicks.GetValueOrDefault(nick);

    /// <summary>The holder's spelling of a nick, whether connected here or to another node; null when nobody holds it.</summary>
    public async Task<string?> FindAnywhereAsync(string nick, CancellationToken cancellationToken)
        => FindByNick(nick)?.Nick ?? (await store().Presence.FindAsync(nick, cancellationToken))?.Nick;

    /// <summary>Adds a session whose nick <see cref="ClaimGuestNickAsync"/> has claimed.</summary>
    public void Add(ChatSession session) => _sessions[session.Id] = session;

    /// <summary>Forgets a session and frees its nick here and in presence.</summary>
    public async Task RemoveAsync(ChatSession session)
    {
        _sessions.TryRemove(session.Id, out _);
        _nicks.TryRemove(new KeyValuePair<string, ChatSession>(session.Nick, session));
        try
        {
            await store().Presence.ReleaseAsync(session.Nick, CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            // The database is away; when this node's heartbeat resumes it claims only the users still here.
        }
    }

    /// <summary>
    /// Counts a connection from an address (an IPv6 address by its /64); false (and not counted) when the address
    /// has <paramref name="max"/> already.
    /// </summary>
    public bool TryCountAddress(IPAddress address, int max)
    {
        var key = Commands.AddressKey.For(address);
        var count = _perAddress.AddOrUpdate(key, 1, static (_, n) => n + 1);
        if (count <= max)
        {
            return true;
        }

        UncountAddress(address);
        return false;
    }

    public void UncountAddress(IPAddress address)
    {
        var key = Commands.AddressKey.For(address);
        while (_perAddress.TryGetValue(key, out var count))
        {
            if (count <= 1 ? _perAddress.TryRemove(new KeyValuePair<string, int>(key, count)) : _perAddress.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>Finds and claims a free "guestN" nick for a new session.</summary>
    public async Task<string> ClaimGuestNickAsync(ChatSession session, CancellationToken cancellationToken)
    {
        // Connection ids start at 1 on every node; after a collision, a random number keeps a busy cluster
        // from walking the same sequence as the node next door.
        for (var n = session.Id; ; n = Random.Shared.NextInt64(1000, 1_000_000))
        {
            var nick = "guest" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (isNickBanned(nick) || _nicks.ContainsKey(nick))
            {
                continue;
            }

            if (!await store().Presence.TryClaimAsync(nick, room: null, cancellationToken))
            {
                continue;
            }

            if (_nicks.TryAdd(nick, session))
            {
                return nick;
            }

            await store().Presence.ReleaseAsync(nick, cancellationToken);
        }
    }

    /// <summary>
    /// Takes a nick (unique across every node of the store) and sets it on the session; returns an error code and
    /// text, or null when it worked (or was already the session's nick). Telling anyone is the caller's job.
    /// </summary>
    public async Task<(string Code, string Text)?> ChangeNickAsync(ChatSession session, string nick, CancellationToken cancellationToken)
    {
        if (!ChatNames.IsValidNick(nick))
        {
            return ("bad-nick", $"\"{nick}\" is not a valid nick: a letter, then letters, digits, '_' or '-', at most {ChatNames.MaxNickLength} characters");
        }

        if (isNickBanned(nick))
        {
            return ("nick-banned", $"the nick {nick} is banned");
        }

        var old = session.Nick;
        if (string.Equals(old, nick, StringComparison.Ordinal))
        {
            return null;
        }

        var presence = store().Presence;

        // A change of case only is the same nick, already held.
        var caseOnly = string.Equals(old, nick, StringComparison.OrdinalIgnoreCase);
        if (!caseOnly && !await presence.TryClaimAsync(nick, session.Room?.Name, cancellationToken))
        {
            return ("nick-in-use", await NickTakenAsync(nick, cancellationToken));
        }

        if (!caseOnly && !_nicks.TryAdd(nick, session))
        {
            // Presence had it free: a session of this node that is just leaving still holds it here, or the
            // session itself holds a nick that looks the same (alice asking for aIice).
            await presence.ReleaseAsync(nick, cancellationToken);
            return ("nick-in-use", await NickTakenAsync(nick, cancellationToken));
        }

        if (caseOnly)
        {
            await presence.RenameAsync(nick, cancellationToken);
            _nicks[nick] = session;
        }
        else
        {
            _nicks.TryRemove(new KeyValuePair<string, ChatSession>(old, session));
            await presence.ReleaseAsync(old, cancellationToken);
        }

        session.Nick = nick;
        return null;
    }

    /// <summary>
    /// Claims "<paramref name="name"/>@web" for a web chat page's session, in the one namespace of nicks (the name
    /// is compared with every nick by look, and a ban on the name covers it); an error code and text, or null.
    /// </summary>
    public async Task<(string Code, string Text)?> ClaimWebNickAsync(ChatSession session, string name, CancellationToken cancellationToken)
    {
        if (!ChatNames.IsValidNick(name))
        {
            return ("bad-nick", $"\"{name}\" is not a valid nick: a letter, then letters, digits, '_' or '-', at most {ChatNames.MaxNickLength} characters");
        }

        if (isNickBanned(name))
        {
            return ("nick-banned", $"the nick {name} is banned");
        }

        var nick = name + ChatNames.WebTag;
        if (!await store().Presence.TryClaimAsync(nick, room: null, cancellationToken))
        {
            return ("nick-in-use", await NickTakenAsync(nick, cancellationToken));
        }

        if (!_nicks.TryAdd(nick, session))
        {
            await store().Presence.ReleaseAsync(nick, cancellationToken);
            return ("nick-in-use", await NickTakenAsync(nick, cancellationToken));
        }

        session.Nick = nick;
        return null;
    }

    // Says which nick it looks like when that is not the same spelling (nicks are unique by NickSkeleton), whether
    // its holder is connected here or to another node: presence keeps the holder's spelling beside the skeleton.
    private async Task<string> NickTakenAsync(string nick, CancellationToken cancellationToken)
    {
        string? holder;
        try
        {
            holder = await FindAnywhereAsync(nick, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // The claim was just refused by the database; without it now, the short form still says what matters.
            holder = null;
        }

        return holder is not null && !string.Equals(holder, nick, StringComparison.OrdinalIgnoreCase)
            ? $"the nick {nick} is taken: it looks like {holder}"
            : $"the nick {nick} is taken";
    }

    /// <summary>A snapshot of a session for the console.</summary>
    public static ChatSessionInfo Describe(ChatSession s) => s.Connection is { } c
        ? new(s.Id, c.TransportKind, s.Peer, s.Nick, s.Room?.Name, s.Mode, s.IsOperator, c.ConnectedAt, c.BytesReceived, c.BytesSent, c.MessagesReceived, c.MessagesSent, c.QueuedBytes)
        : new(s.Id, TransportKind.Tcp, s.Peer, s.Nick, s.Room?.Name, s.Mode, s.IsOperator, s.Web!.ConnectedAt, s.Web.BytesReceived, s.Web.BytesSent, s.Web.LinesReceived, s.Web.LinesSent, s.Web.QueuedBytes) { IsWeb = true };
}
