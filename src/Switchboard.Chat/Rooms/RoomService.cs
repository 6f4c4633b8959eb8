using System.Net;
using Microsoft.Extensions.Logging;
using Switchboard.Chat.Server;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Rooms;

/// <summary>
/// Rooms as users see them: joining (with history replay), leaving, topics, the notices that tell members, and the
/// listings of /rooms and /who (which read presence, so they cover every node).
/// </summary>
internal sealed class RoomService(RoomRegistry registry, ChatServerOptions options, ChatEvents events, Func<IChatStore> store, string nodeName, ILogger logger)
{
    // How long a join, part or nick notice may take to reach the other nodes before it is given up.
    private static readonly TimeSpan NoticeTimeout = TimeSpan.FromSeconds(5);

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
    /// <remarks>
    /// The session is a member of the new room before anyone, on any node, hears that it left the old one or joined
    /// the new one. So whoever reacts to either notice (joins the new room too, says something there, changes nick)
    /// is heard by the mover: nothing said in the new room after the mover's part of the old room is missed.
    /// </remarks>
    public async Task JoinAsync(ChatSession session, Room room, long? since, CancellationToken cancellationToken)
    {
        var old = session.Room;
        var moving = !ReferenceEquals(old, room);
        var now = DateTimeOffset.UtcNow;
        session.BeginReplay(room.Name);
        long lastReplayed = since ?? 0;
        try
        {
            // In first, out second: leaving first announced the part while the session was in no room here, and a
            // notice for the new room that another node published on hearing of the part could arrive in that gap
            // and miss the mover. Until the old room is left the session is in both, which only means a line said in
            // the old room meanwhile still reaches it, as it would have a moment earlier.
            room.Add(session);
            session.Room = room;
            if (old is not null && moving)
            {
                await LeaveAsync(session, old, reason: null);
            }

            if (moving)
            {
                await store().Presence.SetRoomAsync(session.Nick, room.Name, cancellationToken);

                // In a large room only the joiner hears of it (as Twitch does above 1,000 users, and auditorium
                // modes on IRC): telling everyone makes each join cost a line per member, and a crowd joining
                // sends every member a crowd's worth of notices. /who shows who is there.
                // Count first: a snapshot of the members is built only for a room small enough to hear of it.
                if (room.Count > options.JoinNoticeLimit)
                {
                    session.TrySendLine(session.Format.Joined(room.Name, session.Nick, now));
                }
                else
                {
                    foreach (var member in room.Members)
                    {
                        member.TrySendLine(member.Format.Joined(room.Name, session.Nick, now));
                    }
                }

                ChatServer.Log.Joined(logger, session.ToString(), room.Name);
                events.Publish(new ChatServerEvent(ChatEventKind.Joined, now, session.Id, session.Nick, session.Peer, room.Name));

                // Awaited, so the notice is out before anything this session says next: the others see the join first.
                await TellOtherNodesAsync(new ClusterEvent(ClusterEventKind.Joined, nodeName, room.Name, null, session.Nick));
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

    /// <summary>Takes a session out of a room and tells the members who stay, on every node.</summary>
    public async Task LeaveAsync(ChatSession session, Room room, string? reason)
    {
        if (!room.Remove(session))
        {
            return;
        }

        if (ReferenceEquals(session.Room, room))
        {
            session.Room = null;
        }

        var now = DateTimeOffset.UtcNow;
        if (room.Count < options.JoinNoticeLimit)
        {
            // A large room hears of no parts, as it hears of no joins (see JoinAsync).
            foreach (var member in room.Members)
            {
                member.TrySendLine(member.Format.Parted(room.Name, session.Nick, reason, now));
            }
        }

        registry.RemoveIfEmpty(room);
        events.Publish(new ChatServerEvent(ChatEventKind.Parted, now, session.Id, session.Nick, session.Peer, room.Name, reason));
        await TellOtherNodesAsync(new ClusterEvent(ClusterEventKind.Parted, nodeName, room.Name, reason, session.Nick));
    }

    /// <summary>Tells the session and the members of its room, on every node, that it is now called <see cref="ChatSession.Nick"/>.</summary>
    public async Task AnnounceNickChangeAsync(ChatSession session, string old)
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
        if (session.Room is { } room)
        {
            await TellOtherNodesAsync(new ClusterEvent(ClusterEventKind.NickChanged, nodeName, room.Name, old, nick));
        }
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

    /// <summary>A topic another node set, or a join, part or nick change there that this node's members of the room hear of.</summary>
    public void Apply(ClusterEvent e)
    {
        var now = DateTimeOffset.UtcNow;
        switch (e.Kind)
        {
            case ClusterEventKind.Topic:
                ShowTopic(registry.GetOrCreate(e.Target), e.Text, e.By, now);
                break;
            case ClusterEventKind.Joined when registry.Find(e.Target) is { } room:
                foreach (var member in room.Members)
                {
                    member.TrySendLine(member.Format.Joined(room.Name, e.By, now));
                }

                events.Publish(new ChatServerEvent(ChatEventKind.Joined, now, Nick: e.By, Room: room.Name));
                break;
            case ClusterEventKind.Parted when registry.Find(e.Target) is { } room:
                foreach (var member in room.Members)
                {
                    member.TrySendLine(member.Format.Parted(room.Name, e.By, e.Text, now));
                }

                events.Publish(new ChatServerEvent(ChatEventKind.Parted, now, Nick: e.By, Room: room.Name, Text: e.Text));
                break;
            case ClusterEventKind.NickChanged when e.Text is { } old && registry.Find(e.Target) is { } room:
                foreach (var member in room.Members)
                {
                    member.TrySendLine(member.Format.NickChanged(old, e.By, now));
                }

                events.Publish(new ChatServerEvent(ChatEventKind.NickChanged, now, Nick: e.By, Room: room.Name, Text: old));
                break;
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

    /// <summary>
    /// One page of rooms in name order: up to <paramref name="limit"/> rooms whose names sort after
    /// <paramref name="after"/> (from the first when null), with their member counts across the nodes and their
    /// topics, and whether more follow. It costs the page: a page of this node's rooms and a page of presence's,
    /// merged, never the whole list.
    /// </summary>
    public async Task<RoomPage> ListAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Counts come from presence (every node's users); topics and the rooms kept for them from this node. One more
        // than the page from each tells whether anything follows it.
        var counted = await store().Presence.CountRoomsAsync(after, limit + 1, cancellationToken);
        var local = registry.Page(after, limit + 1);
        var page = new List<(string Name, int Count, string? Topic)>(limit);
        int c = 0, l = 0;
        while (page.Count < limit && (c < counted.Count || l < local.Count))
        {
            var order = c == counted.Count ? 1 : l == local.Count ? -1 : string.CompareOrdinal(counted[c].Room, local[l].Name);
            if (order < 0)
            {
                page.Add((counted[c].Room, counted[c].Count, registry.Find(counted[c].Room)?.Topic));
                c++;
            }
            else
            {
                // A room of this node that presence did not list within the page has no users anywhere: presence
                // listed every room with users up to the last one it returned, and the merge stops before that.
                page.Add((local[l].Name, order == 0 ? counted[c].Count : 0, local[l].Topic));
                c += order == 0 ? 1 : 0;
                l++;
            }
        }

        return new RoomPage(page, c < counted.Count || l < local.Count);
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

    /// <summary>
    /// Sends a join, part or nick notice to the other nodes. Best effort: while the database is away the notice is
    /// lost (the members elsewhere see the user in /who when it is back), and the user's own action stands.
    /// </summary>
    private async Task TellOtherNodesAsync(ClusterEvent notice)
    {
        // Bounded, so a database that hangs rather than refuses cannot hold a join or a disconnect for long.
        using var timeout = new CancellationTokenSource(NoticeTimeout);
        try
        {
            await store().PublishAsync(notice, timeout.Token);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or OperationCanceledException)
        {
            // The store logs the outage once; a notice per user would only repeat it.
        }
    }
}

/// <summary>A page of /rooms: the rooms, and whether more follow the last of them.</summary>
internal sealed record RoomPage(IReadOnlyList<(string Name, int Count, string? Topic)> Rooms, bool More);
