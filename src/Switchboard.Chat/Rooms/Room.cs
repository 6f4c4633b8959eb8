using Switchboard.Chat.Server;

namespace Switchboard.Chat.Rooms;

/// <summary>
/// A room and its members. Members are a copy-on-write array: the commit writer walks it for every message
/// without taking a lock, and joins and parts (rare by comparison) pay for the copy.
/// </summary>
internal sealed class Room(string name)
{
    private readonly Lock _gate = new();
    private ChatSession[] _members = [];

    public string Name { get; } = name;

    public string? Topic { get; set; }

    public string? TopicBy { get; set; }

    public ChatSession[] Members => Volatile.Read(ref _members);

    public int Count => Members.Length;

    public void Add(ChatSession session)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_members, session) < 0)
            {
                Volatile.Write(ref _members, [.. _members, session]);
            }
        }
    }

    public bool Remove(ChatSession session)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_members, session);
            if (index < 0)
            {
                return false;
            }

            var next = new ChatSession[_members.Length - 1];
            Array.Copy(_members, 0, next, 0, index);
            Array.Copy(_members, index + 1, next, index, _members.Length - index - 1);
            Volatile.Write(ref _members, next);
            return true;
        }
    }
}
