using Switchboard.Chat.Server;

namespace Switchboard.Chat.Rooms;

/// <summary>
/// A room and its members. Joins and parts change a set, O(1) each; delivery walks an array snapshot without a
/// lock. The snapshot is rebuilt lazily, at most once per change that a delivery then reads: a crowd of 5,000
/// joining costs 5,000 set insertions plus one rebuild at the next message, not 5,000 copies of a growing array
/// (12.5 million element copies, and at 10,000 members and more each copy a large-object-heap allocation). A
/// rebuild costs what delivering one message to every member costs anyway.
/// </summary>
internal sealed class Room(string name)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ChatSession> _members = new(ReferenceEqualityComparer.Instance);
    // Null when a join or part has made it stale; rebuilt by the next reader of Members.
    private ChatSession[]? _snapshot = [];
    private int _count;

    public string Name { get; } = name;

    public string? Topic { get; set; }

    public string? TopicBy { get; set; }

    /// <summary>
    /// The members as an array that is never changed once handed out, so it can be walked without a lock while
    /// others join and part.
    /// </summary>
    public ChatSession[] Members => Volatile.Read(ref _snapshot) ?? Rebuild();

    /// <summary>How many members, without building a snapshot.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How many times <see cref="Members"/> had to rebuild its snapshot (for tests of the O(1) join).</summary>
    internal int SnapshotBuilds { get; private set; }

    public void Add(ChatSession session)
    {
        lock (_gate)
        {
            if (_members.Add(session))
            {
                Changed();
            }
        }
    }

    public bool Remove(ChatSession session)
    {
        lock (_gate)
        {
            if (!_members.Remove(session))
            {
                return false;
            }

            Changed();
            return true;
        }
    }

    public bool Contains(ChatSession session)
    {
        lock (_gate)
        {
            return _members.Contains(session);
        }
    }

    // Under the lock.
    private void Changed()
    {
        Volatile.Write(ref _count, _members.Count);
        Volatile.Write(ref _snapshot, null);
    }

    private ChatSession[] Rebuild()
    {
        lock (_gate)
        {
            if (_snapshot is { } current)
            {
                return current;
            }

            var snapshot = _members.Count == 0 ? [] : new ChatSession[_members.Count];
            _members.CopyTo(snapshot);
            SnapshotBuilds++;
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
    }
}
