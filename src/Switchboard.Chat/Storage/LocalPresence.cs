using System.Collections.Concurrent;

namespace Switchboard.Chat.Storage;

/// <summary>Presence of one node alone: held in memory, since nobody else shares it.</summary>
internal sealed class LocalPresence : IChatPresence
{
    private readonly ConcurrentDictionary<string, PresenceEntry> _users = new(NickSkeleton.Comparer);

    public const string NodeName = "local";

    public Task<bool> TryClaimAsync(string nick, string? room, CancellationToken cancellationToken)
        => Task.FromResult(_users.TryAdd(nick, new PresenceEntry(nick, NodeName, room)));

    public Task RenameAsync(string nick, CancellationToken cancellationToken)
    {
        if (_users.TryGetValue(nick, out var entry))
        {
            _users[nick] = entry with { Nick = nick };
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string nick, CancellationToken cancellationToken)
    {
        _users.TryRemove(nick, out _);
        return Task.CompletedTask;
    }

    public Task SetRoomAsync(string nick, string? room, CancellationToken cancellationToken)
    {
        if (_users.TryGetValue(nick, out var entry))
        {
            _users[nick] = entry with { Room = room };
        }

        return Task.CompletedTask;
    }

    public Task<PresenceEntry?> FindAsync(string nick, CancellationToken cancellationToken) => Task.FromResult(_users.GetValueOrDefault(nick));

    public Task<IReadOnlyList<string>> ListRoomAsync(string room, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<string>>([.. _users.Values.Where(u => u.Room == room).Select(u => u.Nick).Order(StringComparer.OrdinalIgnoreCase)]);

    public Task<IReadOnlyDictionary<string, int>> CountRoomsAsync(CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyDictionary<string, int>>(_users.Values.Where(u => u.Room is not null).GroupBy(u => u.Room!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
}
