using Switchboard.Chat.Protocol;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Server;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat;

public sealed partial class ChatServer
{
    // A resume reads history in pages, so a long absence costs bounded memory.
    private const int ReplayPageSize = 500;

    /// <summary>
    /// Moves a session into <paramref name="room"/> and replays history: the last <see cref="ChatServerOptions.JoinReplayCount"/>
    /// messages, or every message after <paramref name="since"/>. Live messages that commit meanwhile are held
    /// back and sent after the replay without duplicates, so the session sees each id once and in order.
    /// </summary>
    internal async Task JoinAsync(ChatSession session, Room room, long? since, CancellationToken cancellationToken)
    {
        if (session.Room is { } old && !ReferenceEquals(old, room))
        {
            LeaveRoom(session, old, reason: null);
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
                await Store.Presence.SetRoomAsync(session.Nick, room.Name, cancellationToken);
            }
            if (!alreadyIn)
            {
                foreach (var member in room.Members)
                {
                    member.TrySendLine(member.Format.Joined(room.Name, session.Nick, now));
                }

                Log.Joined(_logger, session.ToString(), room.Name);
                Publish(new ChatServerEvent(ChatEventKind.Joined, now, session.Id, session.Nick, session.Peer, room.Name));
            }

            if (room.Topic is not null)
            {
                await session.ReplyAsync(session.Format.Topic(room.Name, room.Topic, room.TopicBy, now), cancellationToken);
            }

            if (since is null)
            {
                var recent = Options.JoinReplayCount > 0 ? await Store.ReadRecentAsync(room.Name, Options.JoinReplayCount, cancellationToken) : [];
                lastReplayed = await ReplayAsync(session, recent, lastReplayed, cancellationToken);
            }
            else
            {
                while (true)
                {
                    var page = await Store.ReadAfterAsync(room.Name, lastReplayed, ReplayPageSize, cancellationToken);
                    lastReplayed = await ReplayAsync(session, page, lastReplayed, cancellationToken);
                    if (page.Count < ReplayPageSize)
                    {
                        break;
                    }
                }
            }

            if (session.Format.Synced(room.Name, Math.Max(lastReplayed, Store.LastId)) is { } synced)
            {
                await session.ReplyAsync(synced, cancellationToken);
            }
        }
        finally
        {
            session.EndReplay(lastReplayed);
        }
    }

    private static async Task<long> ReplayAsync(ChatSession session, IReadOnlyList<ChatMessage> messages, long lastId, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await session.ReplyAsync(session.Format.Message(message, session.Nick, history: false), cancellationToken);
            lastId = Math.Max(lastId, message.Id);
        }

        return lastId;
    }

    internal void LeaveRoom(ChatSession session, Room room, string? reason)
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
        foreach (var member in room.Members)
        {
            member.TrySendLine(member.Format.Parted(room.Name, session.Nick, reason, now));
        }

        _rooms.RemoveIfEmpty(room);
        Publish(new ChatServerEvent(ChatEventKind.Parted, now, session.Id, session.Nick, session.Peer, room.Name, reason));
    }

    // Says which nick it looks like when that is not the same spelling (nicks are unique by NickSkeleton).
    private string NickTaken(string nick) => FindByNick(nick)?.Nick is { } holder && !string.Equals(holder, nick, StringComparison.OrdinalIgnoreCase)
        ? $"the nick {nick} is taken: it looks like {holder}"
        : $"the nick {nick} is taken";

    /// <summary>Takes a nick (unique across every node of the store); returns an error code and text, or null when it worked.</summary>
    internal async Task<(string Code, string Text)?> ChangeNickAsync(ChatSession session, string nick, CancellationToken cancellationToken)
    {
        if (!ChatNames.IsValidNick(nick))
        {
            return ("bad-nick", $"\"{nick}\" is not a valid nick: a letter, then letters, digits, '_' or '-', at most {ChatNames.MaxNickLength} characters");
        }

        if (_bans.ContainsKey(BanKey("nick", nick)))
        {
            return ("nick-banned", $"the nick {nick} is banned");
        }

        var old = session.Nick;
        if (string.Equals(old, nick, StringComparison.Ordinal))
        {
            return null;
        }

        // A change of case only is the same nick, already held.
        var caseOnly = string.Equals(old, nick, StringComparison.OrdinalIgnoreCase);
        if (!caseOnly && !await Store.Presence.TryClaimAsync(nick, session.Room?.Name, cancellationToken))
        {
            return ("nick-in-use", NickTaken(nick));
        }

        if (!caseOnly && !_nicks.TryAdd(nick, session))
        {
            // Presence had it free: a session of this node that is just leaving still holds it here, or the
            // session itself holds a nick that looks the same (alice asking for aIice).
            await Store.Presence.ReleaseAsync(nick, cancellationToken);
            return ("nick-in-use", NickTaken(nick));
        }

        if (caseOnly)
        {
            await Store.Presence.RenameAsync(nick, cancellationToken);
            _nicks[nick] = session;
        }
        else
        {
            _nicks.TryRemove(new KeyValuePair<string, ChatSession>(old, session));
            await Store.Presence.ReleaseAsync(old, cancellationToken);
        }

        session.Nick = nick;
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

        Log.NickChanged(_logger, session.Id, old, nick);
        Publish(new ChatServerEvent(ChatEventKind.NickChanged, now, session.Id, nick, session.Peer, session.Room?.Name, old));
        return null;
    }

    /// <summary>
    /// Queues a message for the next group commit; it is delivered by <see cref="Dispatch"/> once committed.
    /// The returned task completes at that point.
    /// </summary>
    internal async Task<Task<ChatMessage>> EnqueueMessageAsync(ChatMessageKind kind, string? room, string sender, string? target, string text, CancellationToken cancellationToken)
    {
        var operation = new AppendMessageOperation(kind, room, sender, target, text);
        await Store.EnqueueAsync(operation, cancellationToken);
        return operation.Completion;
    }

    /// <summary>Runs for every committed message of the store (any node's), in id order, once.</summary>
    private void Dispatch(ChatMessage message)
    {
        var lines = new MessageLines(message);
        switch (message.Kind)
        {
            case ChatMessageKind.Private:
                var target = message.Target is null ? null : FindByNick(message.Target);
                target?.Deliver(lines);
                var sender = FindByNick(message.Sender);
                if (sender is not null && !ReferenceEquals(sender, target))
                {
                    sender.Deliver(lines);
                }

                break;
            case ChatMessageKind.Announce:
                foreach (var session in _sessions.Values)
                {
                    session.Deliver(lines);
                }

                break;
            default:
                foreach (var member in message.Room is null ? [] : _rooms.Find(message.Room)?.Members ?? [])
                {
                    // Text-mode senders typed the line themselves; JSON clients get it back to learn its id.
                    if (member.Mode == OutputMode.Json || !string.Equals(member.Nick, message.Sender, StringComparison.OrdinalIgnoreCase))
                    {
                        member.Deliver(lines);
                    }
                }

                break;
        }

        Publish(new ChatServerEvent(ChatEventKind.Message, message.Time, Nick: message.Sender, Room: message.Room, Text: message.Text, Message: message));
    }

    /// <summary>Completes once everything queued for the store before this call has committed.</summary>
    internal async Task FlushStoreAsync(CancellationToken cancellationToken)
    {
        var barrier = new ActionOperation(static _ => { });
        await Store.EnqueueAsync(barrier, cancellationToken);
        await barrier.Completion;
    }

    internal async Task SetTopicAsync(Room room, string? topic, string by, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var operation = new ActionOperation(batch => batch.SetTopic(room.Name, topic, by, now));
        await Store.EnqueueAsync(operation, cancellationToken);
        await operation.Completion;
        ShowTopic(room, topic, by, now);
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

        Publish(new ChatServerEvent(ChatEventKind.Topic, now, Nick: by, Room: room.Name, Text: topic));
    }

    internal async Task AddBanAsync(string kind, string value, string? reason, string by, CancellationToken cancellationToken)
    {
        var ban = new ChatBan(kind, kind == "nick" ? value.ToLowerInvariant() : value, reason, by, DateTimeOffset.UtcNow);
        var operation = new ActionOperation(batch => batch.SetBan(ban));
        await Store.EnqueueAsync(operation, cancellationToken);
        await operation.Completion;
        _bans[BanKey(kind, value)] = ban;
        Log.Banned(_logger, kind, value, by, reason ?? "");
    }

    internal async Task<bool> RemoveBanAsync(string kind, string value, CancellationToken cancellationToken)
    {
        if (!_bans.TryRemove(BanKey(kind, value), out var ban))
        {
            return false;
        }

        var operation = new ActionOperation(batch => batch.RemoveBan(ban.Kind, ban.Value));
        await Store.EnqueueAsync(operation, cancellationToken);
        await operation.Completion;
        return true;
    }

    /// <summary>Tells the session why, then closes its connection gracefully.</summary>
    internal async Task KickSessionAsync(ChatSession session, string by, string? reason)
    {
        var why = reason is null ? $"kicked by {by}" : $"kicked by {by}: {reason}";
        Log.Kicked(_logger, session.ToString(), by, reason ?? "");
        session.TrySendLine(session.Format.Error("kicked", why));
        await session.Connection.CloseAsync(why, CancellationToken.None);
        session.End(why);
    }
}
