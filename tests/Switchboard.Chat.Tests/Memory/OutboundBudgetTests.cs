using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Memory;

/// <summary>
/// The issue's "a crowd that never reads costs ~1 MiB each and takes the good ones down": the output queued over
/// all connections is held to a budget by dropping the worst offenders, while a reader that keeps up, the
/// talkers, and a /ping in another room carry on, and the memory comes back afterwards.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class OutboundBudgetTests(ITestOutputHelper output)
{
    private const int NonReaders = 40;
    private const int Talkers = 3;
    private const int MaxLinesPerTalker = 3000;
    private const long Budget = 8L * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Non_readers_are_dropped_to_keep_the_total_in_budget_while_the_good_ones_carry_on()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxOutboundTotal = Budget;
            // Above what the talkers send, so only the budget drops anyone here.
            o.MaxOutboundBufferSize = 8 * 1024 * 1024;
            // The per-connection limits as they were when this test was written (one 8 MiB drop limit).
            o.SoftLimit = 8 * 1024 * 1024;
            o.HardLimit = 8 * 1024 * 1024;
            // The talkers send as fast as they can; the rate limit and the storage quota are not what this is about.
            o.LiftRateLimitAndStorageQuota();
            o.MaxConnectionsPerAddress = 100;
            o.JoinReplayCount = 0;
        });
        using var events = server.Server.Subscribe(10_000);

        await using var healthy = await server.JoinAsync("healthy");
        await using var pinger = await server.JoinAsync("pinger");
        await pinger.SendLineAsync("/join quiet");
        await pinger.WaitForContainsAsync("joined #quiet");
        var talkers = new List<LineClient>();
        for (var i = 0; i < Talkers; i++)
        {
            talkers.Add(await server.JoinAsync($"talker{i}"));
        }

        var crowd = new List<LineClient>();
        for (var i = 0; i < NonReaders; i++)
        {
            crowd.Add(await LineClient.ConnectAsync(server.Port, receiveBuffer: 4096, read: false));
        }

        await WaitUntilAsync(() => server.Server.GetSessions().Count == NonReaders + Talkers + 2);

        using var sampling = new CancellationTokenSource();
        long peakTotal = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakTotal = Math.Max(peakTotal, server.Server.GetSessions().Sum(s => s.QueuedBytes));
                await Task.Delay(10);
            }
        });

        // The talkers say lines of 2,000 characters to the lobby until the crowd is gone (at most 3,000 each: 18 MB
        // for every member), which for a non-reader (a 4 KiB receive window) queues in the server.
        var text = new string('t', 2000);
        using var crowdGone = new CancellationTokenSource();
        var said = new int[Talkers];
        // The readers (healthy and the talkers, who hear each other) keep up by construction: a line is said only
        // once each of them has received all but the last few said so far, so what the server holds for a reader
        // stays below OutboundBudgetFloor (64 KiB; 20 lines and one in flight per talker are about 47 KB). A fixed
        // pace alone did not do it: on a loaded machine this process (the readers and the server alike) falls
        // behind any fixed pace, every queue grows, and the budget rightly dropped a reader that had stopped
        // keeping up (seen at load 12-16: healthy and the talkers dropped with 350-1000 KB queued).
        const int Window = 20;
        var readers = new[] { healthy }.Concat(talkers).Select(c => (Client: c, Tally: new LineTally(l => l.Contains(" <talker", StringComparison.Ordinal)))).ToList();
        using var paceGate = new SemaphoreSlim(1, 1);
        async Task PaceAsync()
        {
            await paceGate.WaitAsync();
            try
            {
                var snapshot = (int[])said.Clone();
                for (var r = 0; r < readers.Count; r++)
                {
                    // Healthy hears every talker; talker r - 1 hears the others, not itself (text mode).
                    var due = snapshot.Sum() - (r == 0 ? 0 : snapshot[r - 1]) - Window;
                    await readers[r].Client.WaitForTallyAsync(readers[r].Tally, due, Timeout, r == 0 ? "healthy" : $"talker{r - 1}");
                }
            }
            finally
            {
                paceGate.Release();
            }
        }

        var talking = talkers.Select(async (t, i) =>
        {
            try
            {
                // Brisk but steady (at most about 500 lines/s each), as talkers are, and never ahead of the readers.
                for (var n = 0; n < MaxLinesPerTalker && !crowdGone.IsCancellationRequested; n++)
                {
                    await PaceAsync();
                    await t.SendLineAsync($"{i}:{n} {text}");
                    said[i] = n + 1;
                    if (n % 10 == 9)
                    {
                        await Task.Delay(20);
                    }
                }
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                Assert.Fail($"talker{i} was cut off after {said[i]} lines ({ex.Message}); dropped: {DroppedNonGuests(events)}");
            }
        }).ToList();

        // A /ping in another room answers while the crowd is being dealt with.
        var pingsAnswered = 0;
        for (var p = 0; p < 5; p++)
        {
            var before = pinger.Lines.Count;
            await pinger.SendLineAsync("/ping");
            await pinger.WaitForAsync(l => l.Contains("pong", StringComparison.OrdinalIgnoreCase), Timeout, "a pong", fromIndex: before);
            pingsAnswered++;
        }

        await WaitUntilAsync(() => server.Server.GetSessions().Count <= Talkers + 2 || talking.All(t => t.IsCompleted));
        crowdGone.Cancel();
        await Task.WhenAll(talking);

        // The healthy reader got every talker's every line.
        for (var i = 0; i < Talkers; i++)
        {
            try
            {
                await healthy.WaitForContainsAsync($"<talker{i}> {i}:{said[i] - 1} ", Timeout);
            }
            catch (TimeoutException)
            {
                var why = new List<string>();
                while (events.Reader.TryRead(out var e))
                {
                    if (e.Kind == ChatEventKind.Disconnected)
                    {
                        why.Add($"{e.Nick}: {e.Text}");
                    }
                }

                Assert.Fail($"the healthy reader stopped at {healthy.Lines.Count} lines; dropped: {string.Join("; ", why.Where(w => !w.StartsWith("guest", StringComparison.Ordinal)))}");
            }
        }

        await WaitUntilAsync(() => server.Server.GetSessions().Count == Talkers + 2);
        sampling.Cancel();
        await sampler;

        foreach (var talker in talkers)
        {
            Assert.False(talker.IsClosed, "a talker was dropped");
        }

        Assert.False(healthy.IsClosed, "the reader that keeps up was dropped");
        Assert.Equal(5, pingsAnswered);
        for (var i = 0; i < Talkers; i++)
        {
            var mine = healthy.Lines.Where(l => l.Contains($"<talker{i}> ", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal)).ToList();
            Assert.Equal(said[i], mine.Count);
        }

        var reasons = new List<string>();
        while (events.Reader.TryRead(out var e))
        {
            if (e.Kind == ChatEventKind.Disconnected)
            {
                reasons.Add(e.Text ?? "");
            }
        }

        var byBudget = reasons.Count(r => r.Contains("budget", StringComparison.Ordinal));
        output.WriteLine($"peak queued over all connections: {peakTotal / 1024} KiB (budget {Budget / 1024} KiB); {reasons.Count} dropped, {byBudget} by the budget");
        Assert.Equal(NonReaders, reasons.Count);
        Assert.True(byBudget > 0, "no connection was dropped by the budget");

        // Non-readers are dropped once stalled for a second, and whatever the stall, past twice the budget: so at
        // most twice the budget plus what arrives between two sweeps (about 120 MB/s here; generous, since a loaded
        // machine sweeps late). Without the budget, the 40 non-readers would reach their 8 MiB each: 320 MiB.
        Assert.True(peakTotal <= (2 * Budget) + (16L * 1024 * 1024), $"{peakTotal} bytes were queued over all connections");

        // Memory returns: nothing is queued for the ones left.
        await WaitUntilAsync(() => server.Server.GetSessions().Sum(s => s.QueuedBytes) == 0);

        foreach (var client in crowd.Concat(talkers))
        {
            await client.DisposeAsync();
        }
    }

    private static string DroppedNonGuests(ChatEventSubscription events)
    {
        var why = new List<string>();
        while (events.Reader.TryRead(out var e))
        {
            if (e.Kind == ChatEventKind.Disconnected && e.Nick?.StartsWith("guest", StringComparison.Ordinal) == false)
            {
                why.Add($"{e.Nick}: {e.Text}");
            }
        }

        return string.Join("; ", why);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => LazyReplyTests.WaitUntilAsync(condition);
}
