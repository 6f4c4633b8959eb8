using System.Collections.Concurrent;

namespace Switchboard.Chat.Rooms;

/// <summary>The rooms that exist: the lobby always, others while they have members or a topic.</summary>
internal sealed class RoomRegistry
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    public RoomRegistry() => GetOrCreate(ChatNames.DefaultRoom);

    public Room GetOrCreate(string name) => _rooms.GetOrAdd(name, static n => new Room(n));

    public Room? Find(string name) => _rooms.GetValueOrDefault(name);

    public IReadOnlyList<Room> Snapshot() => [.. _rooms.Values.OrderBy(r => r.Name, StringComparer.Ordinal)];

    /// <summary>Forgets a room nobody is in, unless it is the lobby or has a topic worth keeping.</summary>
    public void RemoveIfEmpty(Room room)
    {
        if (room.Count == 0 && room.Name != ChatNames.DefaultRoom && room.Topic is null)
        {
            _rooms.TryRemove(new KeyValuePair<string, Room>(room.Name, room));
        }
    }
}
