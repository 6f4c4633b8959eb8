using Switchboard.Chat.Storage;

namespace Switchboard.Chat;

// What other nodes on the same store do to this one: their messages arrive through Dispatch like ours; bans,
// topics and kicks arrive here.
public sealed partial class ChatServer
{
    private void ApplyClusterEvent(ClusterEvent e)
    {
        switch (e.Kind)
        {
            case ClusterEventKind.Kick:
                if (FindByNick(e.Target) is { } target)
                {
                    _ = KickSessionAsync(target, e.By, e.Text);
                }

                break;
            case ClusterEventKind.Ban when SplitBanKey(e.Target) is var (kind, value):
                _bans[BanKey(kind, value)] = new ChatBan(kind, value, e.Text, e.By, DateTimeOffset.UtcNow);
                Log.Banned(_logger, kind, value, e.By, e.Text ?? "");
                _ = KickBannedAsync(kind, value, e.By, e.Text);
                break;
            case ClusterEventKind.Unban when SplitBanKey(e.Target) is var (kind, value):
                _bans.TryRemove(BanKey(kind, value), out _);
                break;
            case ClusterEventKind.Topic:
                ShowTopic(_rooms.GetOrCreate(e.Target), e.Text, e.By, DateTimeOffset.UtcNow);
                break;
        }
    }

    /// <summary>Brings bans and topics up to date with the store after notices may have been missed.</summary>
    private void Resync(IReadOnlyList<ChatBan> bans, IReadOnlyDictionary<string, (string? Topic, string? By)> topics)
    {
        var current = bans.ToDictionary(b => BanKey(b.Kind, b.Value), StringComparer.Ordinal);
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

        foreach (var (name, (topic, by)) in topics)
        {
            var room = _rooms.GetOrCreate(name);
            if (room.Topic != topic)
            {
                ShowTopic(room, topic, by ?? "", DateTimeOffset.UtcNow);
            }
        }
    }

    /// <summary>Disconnects the sessions on this node that a ban matches.</summary>
    private async Task KickBannedAsync(string kind, string value, string by, string? reason)
    {
        var matching = kind == "address"
            ? _sessions.Values.Where(s => s.Address?.ToString() == value).ToList()
            : [.. _sessions.Values.Where(s => string.Equals(s.Nick, value, StringComparison.OrdinalIgnoreCase))];
        foreach (var session in matching)
        {
            await KickSessionAsync(session, by, reason ?? "banned");
        }
    }

    private static (string Kind, string Value)? SplitBanKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : (key[..colon], key[(colon + 1)..]);
    }

    /// <summary>The store's way back into the server; kept apart so the server's public surface stays as it is.</summary>
    private sealed class StoreSink(ChatServer server) : IChatStoreSink
    {
        public void Deliver(ChatMessage message) => server.Dispatch(message);

        public void Apply(ClusterEvent clusterEvent)
        {
            try
            {
                server.ApplyClusterEvent(clusterEvent);
            }
            catch (Exception ex)
            {
                // A bad notice from another node must not stop this one from hearing the next.
                Log.ObserverFailed(server._logger, ex);
            }
        }

        public void Resync(IReadOnlyList<ChatBan> bans, IReadOnlyDictionary<string, (string? Topic, string? By)> topics)
        {
            try
            {
                server.Resync(bans, topics);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(server._logger, ex);
            }
        }

        public IReadOnlyList<(string Nick, string? Room)> LocalUsers()
            => [.. server._sessions.Values.Select(s => (s.Nick, s.Room?.Name))];
    }
}
