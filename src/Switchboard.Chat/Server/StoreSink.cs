using Microsoft.Extensions.Logging;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Server;

/// <summary>
/// The store's way back into the server: committed messages (any node's) go to delivery, what other nodes did
/// (bans, kicks, topics) to moderation and rooms.
/// </summary>
internal sealed class StoreSink(MessageDelivery delivery, Moderation moderation, RoomService rooms, SessionDirectory sessions, ILogger logger) : IChatStoreSink
{
    public void Deliver(ChatMessage message) => delivery.Dispatch(message);

    public void Apply(ClusterEvent clusterEvent)
    {
        try
        {
            moderation.Apply(clusterEvent);
            rooms.Apply(clusterEvent);
        }
        catch (Exception ex)
        {
            // A bad notice from another node must not stop this one from hearing the next.
            ChatServer.Log.ObserverFailed(logger, ex);
        }
    }

    public void Resync(IReadOnlyList<ChatBan> bans, IReadOnlyDictionary<string, (string? Topic, string? By)> topics)
    {
        try
        {
            moderation.Resync(bans);
            rooms.Resync(topics);
        }
        catch (Exception ex)
        {
            ChatServer.Log.ObserverFailed(logger, ex);
        }
    }

    public IReadOnlyList<(string Nick, string? Room)> LocalUsers() => [.. sessions.All.Select(s => (s.Nick, s.Room?.Name))];
}
