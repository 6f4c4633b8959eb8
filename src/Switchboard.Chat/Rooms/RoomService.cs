using System.Net;
using Microsoft.Extensions.Logging;
using Switchboard.Chat.Server;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Rooms;

/// <summary>
/// Rooms as users see them: joining (with history replay), leaving, topics, the notices that tell members, and the
/// listings of /rooms and /who (which read presence, so they cover every node).
/// </summary>
internal sealed class RoomService(RoomRegistry registry, ChatServerOptions options, ChatEvents events, Func<IChatStore> store, ILogger logger)
{
    public RoomRegistry Registry => registry;

    public Room Lobby => registry.GetOrCreate(ChatNames.DefaultRoom);

    /// <summary>Takes the topics the store holds at start.</summary>
    public void Load(IReadOnlyDictionary<string, (string? Topic, string? By)> topics)
    {
        foreach (var (name, (topic, by)) in topics)
        {
            var room = registry.GetOrCreate(name);
            room.Topic = topic;
            room.TopicBy = by;
        }
    }

    /// <summary>Gets a room for a user to join, creating it within the caps of <see cref="RoomRegistry.TryOpen"/>.</summary>
    public RoomOpen TryOpen(string name, IPAddress? creator, out Room? room) => registry.TryOpen(name, creator, out room);

    /// <summary>
    /// Moves a session into <paramref name="room"/> and replays history: the last <see cref="ChatServerOptions.JoinReplayCount"/>
    /// messages, or every message after <paramref name="since"/>. Live messages that commit meanwhile are held
    /// back and sent after the replay without duplicates, so the session sees each id once and in order.
    /// </summary>
    public async Task JoinAsync(ChatSession session, Room room, long? since, CancellationToken cancellationToken)
    {
        if (session.Room is { } old && !ReferenceEquals(old, room))
        {
            await LeaveAsync(session, old, reason: null);
        }

        var now = DateTimeOffset.UtcNow;
        session.BeginReplay(room.Name);
        long lastReplayed = since ?? 0;
        try
        {
            var alreadyIn = ReferenceEquals(session.Room, room);
            room.Add(session);
            session.Room = room;
            if (!alreadyIn)
            {
                await store().Presence.SetRoomAsync(session.Nick, room.Name, cancellationToken);
            }
            if (!alreadyIn)
            {
                // In a large room only the joiner hears of it (as Twitch does above 1,000 users, and auditorium
                // modes on IRC): telling everyone makes each join cost a line per member, and a crowd joining
                // sends every member a crowd's worth of notices. /who shows who is there.
                var members = room.Members;
                if (members.Length > options.JoinNoticeLimit)
                {
                    session.TrySendLine(session.Format.Joined(room.Name, session.Nick, now));
                }
                else
                {
                    foreach (var member in members)
                    {
                        member.TrySendLine(member.Format.Joined(room.Name, session.Nick, now));
                    }
                }

                ChatServer.Log.Joined(logger, session.ToString(), room.Name);
                events.Publish(new ChatServerEvent(ChatEventKind.Joined, now, session.Id, session.Nick, session.Peer, room.Name));
            }

            if (room.Topic is not null)
            {
                await session.ReplyAsync(session.Format.Topic(room.Name, room.Topic, room.TopicBy, now), cancellationToken);
            }

            if (since is null)
            {
                if (options.JoinReplayCount > 0)
                {
                    var window = await store().FindRecentAsync(room.Name, options.JoinReplayCount, cancellationToken);
                    lastReplayed = Math.Max(lastReplayed, await HistoryStream.SendAsync(session, store(), room.Name, window, history: false, cancellationToken));
                }
            }
            else
            {
                lastReplayed = await HistoryStream.SendAsync(session, store(), room.Name, lastReplayed, long.MaxValue, history: false, cancellationToken);
            }

            if (session.Format.Synced(room.Name, Math.Max(lastReplayed, store().LastId)) is { } synced)
            {
                await session.ReplyAsync(synced, cancellationToken);
            }
        }
        finally
        {
            session.EndReplay(lastReplayed);
        }
    }

    /// <summary>Takes a session out of a room and tells the members who stay.</summary>
    public Task LeaveAsync(ChatSession session, Room room, string? reason)
    {
        if (!room.Remove(session))
        {
            return Task.CompletedTask;
        }

        if (ReferenceEquals(session.Room, room))
        {
            session.Room = null;
        }

        var now = DateTimeOffset.UtcNow;
        var members = room.Members;
        if (members.Length < options.JoinNoticeLimit)
        {
            // A large room hears of no parts, as it hears of no joins (see JoinAsync).
            foreach (var member in members)
            {
                member.TrySendLine(member.Format.Parted(room.Name, session.Nick, reason, now));
            }
        }

        registry.RemoveIfEmpty(room);
        events.Publish(new ChatServerEvent(ChatEventKind.Parted, now, session.Id, session.Nick, session.Peer, room.Name, reason));
        return Task.CompletedTask;
    }

    /// <summary>Tells the session and the members of its room that it is now called <see cref="ChatSession.Nick"/>.</summary>
    public Task AnnounceNickChangeAsync(ChatSession session, string old)
    {
        var nick = session.Nick;
        var now = DateTimeOffset.UtcNow;
        var told = new HashSet<ChatSession> { session };
        session.TrySendLine(session.Format.NickChanged(old, nick, now));
        foreach (var member in session.Room?.Members ?? [])
        {
            if (told.Add(member))
            {
                member.TrySendLine(member.Format.NickChanged(old, nick, now));
            }
        }

        ChatServer.Log.NickChanged(logger, session.Id, old, nick);
        events.Publish(new ChatServerEvent(ChatEventKind.NickChanged, now, session.Id, nick, session.Peer, session.Room?.Name, old));
        return Task.CompletedTask;
    }

    /// <summary>Stores a topic (the other nodes hear of it when it commits), then shows it here.</summary>
    public async Task SetTopicAsync(Room room, string? topic, string by, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var operation = new ActionOperation(batch => batch.SetTopic(room.Name, topic, by, now));
        await store().EnqueueAsync(operation, cancellationToken);
        await operation.Completion;
        ShowTopic(room, topic, by, now);
    }

    /// <summary>A topic another node set.</summary>
    public void Apply(ClusterEvent e)
    {
        if (e.Kind == ClusterEventKind.Topic)
        {
            ShowTopic(registry.GetOrCreate(e.Target), e.Text, e.By, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Brings the topics up to date with the store after notices may have been missed.</summary>
    public void Resync(IReadOnlyDictionary<string, (string? Topic, string? By)> topics)
    {
        foreach (var (name, (topic, by)) in topics)
        {
            var room = registry.GetOrCreate(name);
            if (room.Topic != topic)
            {
                ShowTopic(room, topic, by ?? "", DateTimeOffset.UtcNow);
            }
        }
    }

    /// <summary>Every room with its member count across the nodes and its topic, by name.</summary>
    public async Task<IReadOnlyList<(string Name, int Count, string? Topic)>> ListAsync(CancellationToken cancellationToken)
    {
        // Counts come from presence (every node's users); topics and the rooms kept for them from this node.
        var counts = await store().Presence.CountRoomsAsync(cancellationToken);
        var local = registry.Snapshot().ToDictionary(r => r.Name, StringComparer.Ordinal);
        return [.. local.Keys.Union(counts.Keys).Order(StringComparer.Ordinal).Select(name => (name, counts.GetValueOrDefault(name), local.GetValueOrDefault(name)?.Topic))];
    }

    /// <summary>The nicks in a room on every node; null when there is no such room.</summary>
    public async Task<IReadOnlyList<string>?> WhoAsync(string room, CancellationToken cancellationToken)
    {
        var nicks = await store().Presence.ListRoomAsync(room, cancellationToken);
        return nicks.Count == 0 && registry.Find(room) is null ? null : nicks;
    }

    /// <summary>A topic set here or on another node: remember it and tell the room.</summary>
    private void ShowTopic(Room room, string? topic, string by, DateTimeOffset now)
    {
        room.Topic = topic;
        room.TopicBy = by;
        foreach (var member in room.Members)
        {
            member.TrySendLine(member.Format.Topic(room.Name, topic, by, now));
        }

        events.Publish(new ChatServerEvent(ChatEventKind.Topic, now, Nick: by, Room: room.Name, Text: topic));
    }
}
