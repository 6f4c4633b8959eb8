using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Server;

/// <summary>
/// Who may stay: bans (kept in the store, mirrored here for the checks on every connection and nick) and kicks,
/// whether an operator, the console or another node asked for them.
/// </summary>
internal sealed class Moderation(SessionDirectory sessions, Func<IChatStore> store, string nodeName, ILogger logger)
{
    private readonly ConcurrentDictionary<string, ChatBan> _bans = new(StringComparer.Ordinal);

    public IReadOnlyList<ChatBan> Bans => [.. _bans.Values.OrderBy(b => b.Time)];

    public bool IsBanned(string kind, string value) => _bans.ContainsKey(Key(kind, value));

    /// <summary>Takes the bans the store holds at start.</summary>
    public void Load(IEnumerable<ChatBan> bans)
    {
        foreach (var ban in bans)
        {
            _bans[Key(ban.Kind, ban.Value)] = ban;
        }
    }

    /// <summary>Bans a nick or an address and disconnects whoever matches it on this node.</summary>
    /// <exception cref="ArgumentException">It is neither a valid nick nor an address.</exception>
    public async Task BanAsync(string nickOrAddress, string? reason, string by, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(nickOrAddress, out var address))
        {
            await AddBanAsync("address", address.ToString(), reason, by, cancellationToken);
            foreach (var session in sessions.All.Where(s => address.Equals(s.Address)).ToList())
            {
                await KickAsync(session, by, reason ?? "banned");
            }

            return;
        }

        // "spam@web" is the web page's spam: the ban is on the name, whichever way it comes in.
        nickOrAddress = ChatNames.WithoutWebTag(nickOrAddress);
        if (!ChatNames.IsValidNick(nickOrAddress))
        {
            throw new ArgumentException($"\"{nickOrAddress}\" is neither a nick nor an IP address", nameof(nickOrAddress));
        }

        await AddBanAsync("nick", nickOrAddress, reason, by, cancellationToken);
        if (sessions.FindByNick(nickOrAddress) is { } target)
        {
            await KickAsync(target, by, reason ?? "banned");
        }
    }

    /// <summary>Lifts a ban on a nick or an address; false when there was none.</summary>
    public Task<bool> UnbanAsync(string nickOrAddress, CancellationToken cancellationToken)
        => IPAddress.TryParse(nickOrAddress, out var address)
            ? RemoveBanAsync("address", address.ToString(), cancellationToken)
            : RemoveBanAsync("nick", ChatNames.WithoutWebTag(nickOrAddress), cancellationToken);

    /// <summary>Tells the session why, then closes its connection gracefully.</summary>
    public async Task KickAsync(ChatSession session, string by, string? reason)
    {
        var why = reason is null ? $"kicked by {by}" : $"kicked by {by}: {reason}";
        ChatServer.Log.Kicked(logger, session.ToString(), by, reason ?? "");
        session.TrySendLine(session.Format.Error("kicked", why));
        await session.CloseAsync(why);
        session.End(why);
    }

    /// <summary>Kicks a nick on whichever node holds it; returns the holder's spelling, or null when nobody does.</summary>
    public async Task<string?> KickAnywhereAsync(string nick, string? reason, string by, CancellationToken cancellationToken)
    {
        if (sessions.FindByNick(nick) is { } target)
        {
            await KickAsync(target, by, reason);
            return target.Nick;
        }

        // Connected to another node: that node does the kick.
        if (await store().Presence.FindAsync(nick, cancellationToken) is not { } remote)
        {
            return null;
        }

        await store().PublishAsync(new ClusterEvent(ClusterEventKind.Kick, nodeName, remote.Nick, reason, by), cancellationToken);
        return remote.Nick;
    }

    /// <summary>A kick, ban or unban another node did.</summary>
    public void Apply(ClusterEvent e)
    {
        switch (e.Kind)
        {
            case ClusterEventKind.Kick:
                if (sessions.FindByNick(e.Target) is { } target)
                {
                    _ = KickAsync(target, e.By, e.Text);
                }

                break;
            case ClusterEventKind.Ban when SplitKey(e.Target) is var (kind, value):
                _bans[Key(kind, value)] = new ChatBan(kind, value, e.Text, e.By, DateTimeOffset.UtcNow);
                ChatServer.Log.Banned(logger, kind, value, e.By, e.Text ?? "");
                _ = KickBannedAsync(kind, value, e.By, e.Text);
                break;
            case ClusterEventKind.Unban when SplitKey(e.Target) is var (kind, value):
                _bans.TryRemove(Key(kind, value), out _);
                break;
        }
    }

    /// <summary>Brings the bans up to date with the store after notices may have been missed.</summary>
    public void Resync(IReadOnlyList<ChatBan> bans)
    {
        var current = bans.ToDictionary(b => Key(b.Kind, b.Value), StringComparer.Ordinal);
        foreach (var key in _bans.Keys.Where(k => !current.ContainsKey(k)).ToList())
        {
            _bans.TryRemove(key, out _);
        }

        foreach (var (key, ban) in current)
        {
            if (_bans.TryAdd(key, ban))
            {
                _ = KickBannedAsync(ban.Kind, ban.Value, ban.By ?? "", ban.Reason);
            }
        }
    }

    private async Task AddBanAsync(string kind, string value, string? reason, string by, CancellationToken cancellationToken)
    {
        var ban = new ChatBan(kind, kind == "nick" ? value.ToLowerInvariant() : value, reason, by, DateTimeOffset.UtcNow);

        // One ban per look: a ban of aIice after one of alice replaces it, so an unban of either lifts the one row.
        var replaced = _bans.GetValueOrDefault(Key(kind, value)) is { } old && old.Value != ban.Value ? old : null;
        var operation = new ActionOperation(batch =>
        {
            if (replaced is not null)
            {
                batch.RemoveBan(replaced.Kind, replaced.Value);
            }

            batch.SetBan(ban);
        });
        await store().EnqueueAsync(operation, cancellationToken);
        await operation.Completion;
        _bans[Key(kind, value)] = ban;
        ChatServer.Log.Banned(logger, kind, value, by, reason ?? "");
    }

    private async Task<bool> RemoveBanAsync(string kind, string value, CancellationToken cancellationToken)
    {
        if (!_bans.TryRemove(Key(kind, value), out var ban))
        {
            return false;
        }

        var operation = new ActionOperation(batch => batch.RemoveBan(ban.Kind, ban.Value));
        await store().EnqueueAsync(operation, cancellationToken);
        await operation.Completion;
        return true;
    }

    /// <summary>Disconnects the sessions on this node that a ban matches.</summary>
    private async Task KickBannedAsync(string kind, string value, string by, string? reason)
    {
        var matching = kind == "address"
            ? sessions.All.Where(s => s.Address?.ToString() == value).ToList()
            : [.. sessions.All.Where(s => NickSkeleton.Comparer.Equals(s.Nick, value))];
        foreach (var session in matching)
        {
            await KickAsync(session, by, reason ?? "banned");
        }
    }

    // A nick ban is by look (NickSkeleton), as nicks are unique: a ban of alice keeps out aIice and ALICE too.
    private static string Key(string kind, string value) => kind + ":" + (kind == "nick" ? NickSkeleton.Of(value) : value.ToLowerInvariant());

    private static (string Kind, string Value)? SplitKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : (key[..colon], key[(colon + 1)..]);
    }
}
