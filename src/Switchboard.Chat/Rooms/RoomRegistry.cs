using System.Collections.Concurrent;
using System.Net;
using Switchboard.Chat.Commands;

namespace Switchboard.Chat.Rooms;

/// <summary>
/// The rooms that exist: the lobby always, others while they have members or a topic. Users create rooms within
/// two caps (rooms in all, new rooms per address per minute), so one client cannot fill memory with rooms.
/// </summary>
internal sealed class RoomRegistry
{
    // Bounds the per-address table; past it, addresses whose allowance has refilled are forgotten.
    private const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    // Creations and removals (rare next to lookups) take this lock; it also guards _byName.
    private readonly Lock _createGate = new();
    // The rooms in name order, so a page of /rooms costs a binary search and the page, not a sort of every room.
    private readonly List<Room> _byName = [];
    private readonly Dictionary<string, Allowance> _creators = new(StringComparer.Ordinal);
    private readonly int _maxRooms;
    private readonly int _perAddressPerMinute;
    private readonly TimeProvider _time;

    public RoomRegistry(int maxRooms = int.MaxValue, int perAddressPerMinute = int.MaxValue, TimeProvider? time = null)
    {
        _maxRooms = maxRooms;
        _perAddressPerMinute = perAddressPerMinute;
        _time = time ?? TimeProvider.System;
        GetOrCreate(ChatNames.DefaultRoom);
    }

    public int Count => _rooms.Count;

    /// <summary>Gets or creates a room for the system (the lobby, topics from the store, other nodes): never capped.</summary>
    public Room GetOrCreate(string name)
    {
        if (_rooms.TryGetValue(name, out var room))
        {
            return room;
        }

        lock (_createGate)
        {
            return CreateLocked(name);
        }
    }

    /// <summary>
    /// Gets a room for a user to join, creating it within the caps. An existing room is always returned; a new one
    /// only while there are fewer than the maximum and <paramref name="creator"/> has creations left this minute.
    /// </summary>
    public RoomOpen TryOpen(string name, IPAddress? creator, out Room? room)
    {
        if (_rooms.TryGetValue(name, out room))
        {
            return RoomOpen.Opened;
        }

        lock (_createGate)
        {
            if (_rooms.TryGetValue(name, out room))
            {
                return RoomOpen.Opened;
            }

            if (_rooms.Count >= _maxRooms)
            {
                return RoomOpen.TooManyRooms;
            }

            var now = _time.GetUtcNow();
            var key = AddressKey.For(creator);
            if (!_creators.TryGetValue(key, out var allowance))
            {
                Prune(now);
                allowance = new Allowance(_perAddressPerMinute, now);
                _creators[key] = allowance;
            }

            if (!allowance.TryTake(_perAddressPerMinute, now))
            {
                return RoomOpen.TooFast;
            }

            room = CreateLocked(name);
            return RoomOpen.Opened;
        }
    }

    public Room? Find(string name) => _rooms.GetValueOrDefault(name);

    public IReadOnlyList<Room> Snapshot()
    {
        lock (_createGate)
        {
            return [.. _byName];
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> rooms whose names sort (ordinally) after <paramref name="after"/>, or from the
    /// first when it is null, in name order: O(log rooms + limit).
    /// </summary>
    public IReadOnlyList<Room> Page(string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_createGate)
        {
            var start = after is null ? 0 : IndexAfter(after);
            var count = Math.Min(limit, _byName.Count - start);
            return count <= 0 ? [] : _byName.GetRange(start, count);
        }
    }

    /// <summary>Forgets a room nobody is in, unless it is the lobby or has a topic worth keeping.</summary>
    public void RemoveIfEmpty(Room room)
    {
        if (room.Count != 0 || room.Name == ChatNames.DefaultRoom || room.Topic is not null)
        {
            return;
        }

        lock (_createGate)
        {
            if (_rooms.TryRemove(new KeyValuePair<string, Room>(room.Name, room)))
            {
                _byName.RemoveAt(IndexOf(room.Name));
            }
        }
    }

    // Under the lock.
    private Room CreateLocked(string name)
    {
        if (_rooms.TryGetValue(name, out var room))
        {
            return room;
        }

        room = new Room(name);
        _rooms[name] = room;
        _byName.Insert(~IndexOf(name), room);
        return room;
    }

    // The index of the room called name in _byName, or the complement of where it would go (List.BinarySearch's rule).
    private int IndexOf(string name)
    {
        int lo = 0, hi = _byName.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var order = string.CompareOrdinal(_byName[mid].Name, name);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    // The index of the first room whose name sorts after the given one.
    private int IndexAfter(string name)
    {
        var index = IndexOf(name);
        return index >= 0 ? index + 1 : ~index;
    }

    private void Prune(DateTimeOffset now)
    {
        if (_creators.Count < MaxAddresses)
        {
            return;
        }

        foreach (var (key, value) in _creators.ToList())
        {
            if (now - value.Last >= TimeSpan.FromMinutes(1))
            {
                _creators.Remove(key);
            }
        }
    }

    // A token bucket: perMinute creations at once, refilled at perMinute a minute.
    private sealed class Allowance(double tokens, DateTimeOffset last)
    {
        public DateTimeOffset Last { get; private set; } = last;

        public bool TryTake(int perMinute, DateTimeOffset now)
        {
            tokens = Math.Min(perMinute, tokens + ((now - Last).TotalMinutes * perMinute));
            Last = now;
            if (tokens < 1)
            {
                return false;
            }

            tokens -= 1;
            return true;
        }
    }
}

/// <summary>What became of a user's attempt to join a room.</summary>
internal enum RoomOpen
{
    Opened,
    TooManyRooms,
    TooFast,
}
