using System.Collections.Concurrent;

namespace Switchboard.Chat.Storage;

/// <summary>Presence of one node alone: held in memory, since nobody else shares it.</summary>
internal sealed class LocalPresence : IChatPresence
{
    private readonly ConcurrentDictionary<string, PresenceEntry> _users = new(NickSkeleton.Comparer);
    // Changes to users take this lock, so the room counts below stay in step with them.
    private readonly Lock _gate = new();
    // Users per room, and the rooms with users in name order: a page of /rooms is a binary search and the page.
    private readonly Dictionary<string, int> _roomCounts = new(StringComparer.Ordinal);
    private readonly List<string> _roomsByName = [];

    public const string NodeName = "local";

    public Task<bool> TryClaimAsync(string nick, string? room, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var claimed = _users.TryAdd(nick, new PresenceEntry(nick, NodeName, room));
            if (claimed)
            {
                Enter(room);
            }

            return Task.FromResult(claimed);
        }
    }

    public Task RenameAsync(string nick, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(nick, out var entry))
            {
                _users[nick] = entry with { Nick = nick };
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string nick, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_users.TryRemove(nick, out var entry))
            {
                Leave(entry.Room);
            }
        }

        return Task.CompletedTask;
    }

    public Task SetRoomAsync(string nick, string? room, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(nick, out var entry) && entry.Room != room)
            {
                _users[nick] = entry with { Room = room };
                Leave(entry.Room);
                Enter(room);
            }
        }

        return Task.CompletedTask;
    }

    public Task<PresenceEntry?> FindAsync(string nick, CancellationToken cancellationToken) => Task.FromResult(_users.GetValueOrDefault(nick));

    public Task<IReadOnlyList<string>> ListRoomAsync(string room, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<string>>([.. _users.Values.Where(u => u.Room == room).Select(u => u.Nick).Order(StringComparer.OrdinalIgnoreCase)]);

    public Task<IReadOnlyList<(string Room, int Count)>> CountRoomsAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_gate)
        {
            var start = 0;
            if (after is not null)
            {
                var index = _roomsByName.BinarySearch(after, StringComparer.Ordinal);
                start = index >= 0 ? index + 1 : ~index;
            }

            var page = new List<(string, int)>(Math.Min(limit, _roomsByName.Count - start));
            for (var i = start; i < _roomsByName.Count && page.Count < limit; i++)
            {
                page.Add((_roomsByName[i], _roomCounts[_roomsByName[i]]));
            }

            return Task.FromResult<IReadOnlyList<(string Room, int Count)>>(page);
        }
    }

    // Under the lock.
    private void Enter(string? room)
    {
        if (room is null)
        {
            return;
        }

        if (_roomCounts.TryGetValue(room, out var count))
        {
            _roomCounts[room] = count + 1;
            return;
        }

        _roomCounts[room] = 1;
        _roomsByName.Insert(~_roomsByName.BinarySearch(room, StringComparer.Ordinal), room);
    }

    // Under the lock.
    private void Leave(string? room)
    {
        if (room is null || !_roomCounts.TryGetValue(room, out var count))
        {
            return;
        }

        if (count > 1)
        {
            _roomCounts[room] = count - 1;
            return;
        }

        _roomCounts.Remove(room);
        _roomsByName.RemoveAt(_roomsByName.BinarySearch(room, StringComparer.Ordinal));
    }
}
