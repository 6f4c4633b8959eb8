using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Memory;

/// <summary>
/// The "60 slow readers of /history 10000 from one address: RSS 59 MB -> 6.4 GB": a long history is
/// produced as the reader drains its buffer, so readers that do not read cost their send buffers, not their
/// histories.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class LazyReplyTests(ITestOutputHelper output)
{
    private const int Messages = 3000;
    private const int TextLength = 4000;
    private const int Readers = 8;
    private const int OutboundLimit = 1024 * 1024;

    [Fact]
    public async Task Slow_readers_of_a_long_history_hold_their_buffers_not_their_histories()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.ReplyTimeout = TimeSpan.FromMinutes(5);
            o.MaxOutboundBufferSize = OutboundLimit;
            o.LiftRateLimitAndStorageQuota();
        });

        // 3,000 messages of 4,000 characters: 12 MB of history, 24 MB as .NET strings, per reader if materialised.
        var text = new string('h', TextLength);
        var posts = new List<Task>();
        for (var i = 0; i < Messages; i++)
        {
            posts.Add(server.Server.PostAsync("filler", "lobby", text));
        }

        await Task.WhenAll(posts);
        posts.Clear();

        var before = ManagedBytes();
        var readers = new List<LineClient>();
        try
        {
            for (var i = 0; i < Readers; i++)
            {
                // Never reads, with a small socket buffer: the history waits for it in the server.
                var reader = await LineClient.ConnectAsync(server.Port, receiveBuffer: 4096, read: false);
                readers.Add(reader);
                await reader.SendLineAsync($"/history {Messages}");
            }

            // Every reader's /history is under way: its command arrived and its send buffer is full.
            await WaitUntilAsync(() =>
            {
                var sessions = server.Server.GetSessions();
                return sessions.Count == Readers && sessions.All(s => s.MessagesIn >= 1 && s.QueuedBytes >= OutboundLimit - (2 * TextLength));
            });

            var during = ManagedBytes();
            var grown = during - before;
            var peakQueued = server.Server.GetSessions().Max(s => s.QueuedBytes);
            output.WriteLine($"{Readers} readers of /history {Messages} ({TextLength}-char messages): managed heap +{grown / 1024 / 1024} MiB, largest queue {peakQueued} bytes");

            // Each reader may hold its 1 MiB buffer and one page; materialised, each would hold 24 MB of history.
            Assert.True(peakQueued <= OutboundLimit + TextLength + 1024, $"a session queued {peakQueued} bytes");
            Assert.True(grown < 64L * 1024 * 1024, $"the managed heap grew by {grown / 1024 / 1024} MiB for {Readers} slow history readers");
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }

    internal static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {seconds} s");
            }

            await Task.Delay(50);
        }
    }
}
