using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Tests.Storage;

/// <summary>
/// Committed batches reach delivery once each and in commit order, while commits go on, and even when a delivery
/// awaits (as a cluster store's does, for its feed) and the next batch is committed meanwhile.
/// </summary>
public sealed class GroupCommitDeliveryOrderTests
{
    [Fact]
    public async Task Batches_are_delivered_in_commit_order_even_when_a_delivery_awaits()
    {
        const int Writers = 8;
        const int PerWriter = 300;
        var committer = new CountingCommitter();
        var delivered = new ConcurrentQueue<long>();
        var deliveries = 0;
        var writer = new GroupCommitWriter(committer, 64, async batch =>
        {
            // Every third delivery awaits before it hands its messages on, the way a cluster store waits for its feed.
            if (Interlocked.Increment(ref deliveries) % 3 == 0)
            {
                await Task.Delay(1);
            }

            foreach (var operation in batch)
            {
                if (operation is AppendMessageOperation { Message: { } message })
                {
                    delivered.Enqueue(message.Id);
                }

                operation.Complete();
            }
        }, NullLogger.Instance);

        var completions = new ConcurrentBag<Task<ChatMessage>>();
        await using (writer)
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < PerWriter; i++)
                {
                    var operation = new AppendMessageOperation(ChatMessageKind.Say, "lobby", $"w{w}", null, $"m{i}");
                    await writer.EnqueueAsync(operation, CancellationToken.None);
                    completions.Add(operation.Completion);
                    if (i % 50 == 0)
                    {
                        // Now and then the queue runs dry, so that commits come both back to back and one at a time.
                        await operation.Completion.WaitAsync(TimeSpan.FromSeconds(30));
                    }
                }
            })));
        }

        // Disposing waited for the last delivery: everything is complete, each message once, in id (commit) order.
        Assert.All(completions, c => Assert.True(c.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => (long)i), delivered.ToList());
        Assert.True(committer.Commits > 1, "everything went in one commit: the test exercised nothing");
    }

    private sealed class CountingCommitter : IStoreCommitter
    {
        private long _lastId;

        public int Commits { get; private set; }

        public void Commit(IReadOnlyList<StoreOperation> batch)
        {
            // Long enough for other writers' operations to queue behind it, as they do behind an fsync.
            Thread.Sleep(1);
            foreach (var operation in batch)
            {
                if (operation is AppendMessageOperation append)
                {
                    append.Assign(++_lastId);
                }
            }

            Commits++;
        }
    }
}
