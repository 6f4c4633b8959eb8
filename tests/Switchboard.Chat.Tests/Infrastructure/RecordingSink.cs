using System.Collections.Concurrent;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Tests.Infrastructure;

/// <summary>A store sink that records what the store delivers and what other nodes announce.</summary>
internal sealed class RecordingSink(Action<ChatMessage>? onDeliver = null) : IChatStoreSink
{
    public ConcurrentQueue<ChatMessage> Delivered { get; } = new();

    public ConcurrentQueue<ClusterEvent> Events { get; } = new();

    public void Deliver(ChatMessage message)
    {
        Delivered.Enqueue(message);
        onDeliver?.Invoke(message);
    }

    public void Apply(ClusterEvent clusterEvent) => Events.Enqueue(clusterEvent);

    public void Resync(IReadOnlyList<ChatBan> bans, IReadOnlyDictionary<string, (string? Topic, string? By)> topics)
    {
    }

    public IReadOnlyList<(string Nick, string? Room)> LocalUsers() => [];
}
