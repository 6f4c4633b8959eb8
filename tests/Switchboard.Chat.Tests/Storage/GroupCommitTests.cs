using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Chat.Storage;
using Switchboard.Chat.Storage.Sqlite;
using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Storage;

public sealed class GroupCommitTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreDurability.Full)]
    [InlineData(StoreDurability.Normal)]
    public async Task Concurrent_writers_share_commits_and_ids_are_gap_free_and_delivered_in_order(StoreDurability durability)
    {
        using var data = new TempDirectory();
        const int Writers = 16;
        const int PerWriter = 1000;
        var delivered = new ConcurrentQueue<long>();
        var stopwatch = Stopwatch.StartNew();
        long commits;
        var store = SqliteChatStore.Open(data.Path, durability, new RecordingSink(m => delivered.Enqueue(m.Id)), 8192, NullLogger.Instance);
        await using (store)
        {
            var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var pending = new List<Task<ChatMessage>>();
                for (var i = 0; i < PerWriter; i++)
                {
                    var op = new AppendMessageOperation(ChatMessageKind.Say, "lobby", $"w{w}", null, $"m{w}-{i}");
                    await store.EnqueueAsync(op, CancellationToken.None);
                    pending.Add(op.Completion);
                }

                await Task.WhenAll(pending);
            }));
            await Task.WhenAll(tasks);
            commits = store.Batches;
            stopwatch.Stop();
            var ids = delivered.ToList();
            Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => (long)i), ids);
            Assert.Equal(Writers * PerWriter, store.ReadAfter("lobby", 0, 100_000).Count);
            Assert.True(commits < Writers * PerWriter / 4, $"{commits} commits for {Writers * PerWriter} messages: no grouping");
        }

        output.WriteLine($"{durability}: {Writers * PerWriter} messages in {commits} commits ({(double)Writers * PerWriter / commits:0.#} per commit), {Writers * PerWriter / stopwatch.Elapsed.TotalSeconds:0} messages/s");

        // Reopened, the store continues after the last id.
        await using var reopened = SqliteChatStore.Open(data.Path, durability, new RecordingSink(), 16, NullLogger.Instance);
        Assert.Equal(Writers * PerWriter, reopened.LastId);
    }

    [Fact]
    public async Task A_failed_commit_delivers_nothing_and_reports_the_error()
    {
        using var data = new TempDirectory();
        var delivered = 0;
        await using var store = SqliteChatStore.Open(data.Path, StoreDurability.Normal, new RecordingSink(_ => delivered++), 16, NullLogger.Instance);
        var bad = new ActionOperation(b => ((SqliteStoreBatch)b).Execute("INSERT INTO no_such_table VALUES (1);"));
        var message = new AppendMessageOperation(ChatMessageKind.Say, "lobby", "a", null, "lost");
        await store.EnqueueAsync(message, CancellationToken.None);
        await store.EnqueueAsync(bad, CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => bad.Completion);
        if (message.Completion.IsFaulted)
        {
            // Same batch as the failure: rolled back with it, and never delivered.
            Assert.Equal(0, delivered);
            Assert.Empty(store.ReadRecent("lobby", 10));
        }

        var next = new AppendMessageOperation(ChatMessageKind.Say, "lobby", "a", null, "kept");
        await store.EnqueueAsync(next, CancellationToken.None);
        var stored = await next.Completion;
        Assert.Equal(store.ReadRecent("lobby", 10)[^1].Id, stored.Id);
    }
}
