using System.Net;
using Switchboard.Chat.Protocol;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Server;

/// <summary>
/// Messages from sender to members: queued for the store's group commit, then, once committed (by any node),
/// handed to this node's recipients. Nothing here waits on a recipient.
/// </summary>
internal sealed class MessageDelivery(SessionDirectory sessions, RoomRegistry rooms, ChatEvents events, Func<IChatStore> store, StorageQuota quota)
{
    /// <summary>Queues a message whose sender has no address (a web post, an announcement); see the overload with one.</summary>
    /// <exception cref="StorageQuotaExceededException">The sender is over the quota: nothing was queued.</exception>
    public Task<Task<ChatMessage>> EnqueueAsync(ChatMessageKind kind, string? room, string sender, string? target, string text, CancellationToken cancellationToken)
        => EnqueueAsync(kind, room, sender, target, text, address: null, cancellationToken);

    /// <summary>
    /// Queues a message for the next group commit; it is delivered by <see cref="Dispatch"/> once committed.
    /// The returned task completes at that point. Everything but announcements counts against the sender's
    /// <see cref="StorageQuota"/> (its nick, and <paramref name="address"/> when known).
    /// </summary>
    /// <exception cref="StorageQuotaExceededException">The sender is over the quota: nothing was queued.</exception>
    public async Task<Task<ChatMessage>> EnqueueAsync(ChatMessageKind kind, string? room, string sender, string? target, string text, IPAddress? address, CancellationToken cancellationToken)
    {
        // Checked here, where every way in (a chat line, /msg, a web post) meets, so none can bypass it.
        if (kind != ChatMessageKind.Announce && quota.TryCharge(sender, address, text) is { } refusal)
        {
            throw new StorageQuotaExceededException(refusal);
        }

        var operation = new AppendMessageOperation(kind, room, sender, target, text);
        await store().EnqueueAsync(operation, cancellationToken);
        return operation.Completion;
    }

    /// <summary>Completes once everything queued for the store before this call has committed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var barrier = new ActionOperation(static _ => { });
        await store().EnqueueAsync(barrier, cancellationToken);
        await barrier.Completion;
    }

    /// <summary>
    /// Runs for every committed message of the store (any node's), in id order, once. The store calls it inside a
    /// DeferSends scope around a whole batch, so it must never await.
    /// </summary>
    public void Dispatch(ChatMessage message)
    {
        var lines = new MessageLines(message);
        switch (message.Kind)
        {
            case ChatMessageKind.Private:
                var target = message.Target is null ? null : sessions.FindByNick(message.Target);
                target?.Deliver(lines);
                var sender = sessions.FindByNick(message.Sender);
                if (sender is not null && !ReferenceEquals(sender, target))
                {
                    sender.Deliver(lines);
                }

                break;
            case ChatMessageKind.Announce:
                foreach (var session in sessions.All)
                {
                    session.Deliver(lines);
                }

                break;
            default:
                foreach (var member in message.Room is null ? [] : rooms.Find(message.Room)?.Members ?? [])
                {
                    // Text-mode senders typed the line themselves; JSON clients get it back to learn its id.
                    if (member.Mode == OutputMode.Json || !string.Equals(member.Nick, message.Sender, StringComparison.OrdinalIgnoreCase))
                    {
                        member.Deliver(lines);
                    }
                }

                break;
        }

        events.Publish(new ChatServerEvent(ChatEventKind.Message, message.Time, Nick: message.Sender, Room: message.Room, Text: message.Text, Message: message));
    }
}
