using System.Net.Sockets;
using System.Text;
using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Memory;

/// <summary>
/// The chat server's slow consumers follow listen's policy (issue 13: "the chat server uses the same policy"): a
/// reader that lags during a burst is kept, one that does not read goes at the hard limit or after the soft-limit
/// time, and the global budget still bounds the sum.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class SlowConsumerPolicyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string Text = new('b', 4000);

    [Fact]
    public async Task A_reader_that_lags_during_a_burst_past_the_old_1_MiB_limit_is_kept_and_gets_every_line()
    {
        const int Lines = 1500;
        // The defaults (8 MiB for 10 s, 32 MiB), the per-connection limits this is about.
        await using var server = await TestServer.StartAsync(o =>
        {
            o.LiftRateLimitAndStorageQuota();
            o.JoinReplayCount = 0;
        });
        using var events = server.Server.Subscribe(10_000);

        // The lagger names itself and then does not read while the burst (6 MB) arrives.
        using var lagger = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await lagger.ConnectAsync("127.0.0.1", server.Port);
        await lagger.SendAsync("/nick lagger\n"u8.ToArray(), SocketFlags.None);
        await LazyReplyTests.WaitUntilAsync(() => server.Server.GetSessions().Any(s => s.Nick == "lagger"));

        await using var talker = await server.JoinAsync("talker");
        for (var i = 0; i < Lines; i++)
        {
            await talker.SendLineAsync($"{i} {Text}");
        }

        // Past the old per-connection limit (1 MiB), which dropped it here.
        long peak = 0;
        await LazyReplyTests.WaitUntilAsync(() =>
        {
            peak = Math.Max(peak, server.Server.GetSessions().FirstOrDefault(s => s.Nick == "lagger")?.QueuedBytes ?? 0);
            return peak > 1024 * 1024 + (64 * 1024) || server.Server.GetSessions().All(s => s.Nick != "lagger");
        });
        Assert.Contains(server.Server.GetSessions(), s => s.Nick == "lagger");
        output.WriteLine($"the lagger had {peak / 1024} KiB queued before it read");

        // Now it reads: every line, in order, then a pong.
        using var stream = new NetworkStream(lagger, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var deadline = new CancellationTokenSource(Timeout);
        var next = 0;
        while (next < Lines)
        {
            var line = await reader.ReadLineAsync(deadline.Token) ?? throw new Xunit.Sdk.XunitException($"the lagger was disconnected after {next} of {Lines} lines: {Disconnects(events)}");
            if (line.Contains("<talker> ", StringComparison.Ordinal))
            {
                Assert.EndsWith($"<talker> {next} {Text}", line, StringComparison.Ordinal);
                next++;
            }
        }

        await lagger.SendAsync("/ping\n"u8.ToArray(), SocketFlags.None);
        while (await reader.ReadLineAsync(deadline.Token) is { } line && !line.Contains("pong", StringComparison.OrdinalIgnoreCase))
        {
        }

        Assert.Contains(server.Server.GetSessions(), s => s.Nick == "lagger");
    }

    [Fact]
    public async Task A_non_reader_is_dropped_at_the_hard_limit()
    {
        const int Hard = 1024 * 1024;
        var (reason, peak) = await DropNonReaderAsync(o =>
        {
            o.SoftLimit = 256 * 1024;
            o.SoftLimitTime = TimeSpan.FromMinutes(10);
            o.HardLimit = Hard;
        });
        Assert.Contains("hard limit", reason, StringComparison.Ordinal);
        Assert.True(peak <= Hard + 8 * 1024, $"{peak} bytes were queued for it");
    }

    [Fact]
    public async Task A_non_reader_past_the_soft_limit_for_the_soft_limit_time_is_dropped_below_the_hard_limit()
    {
        const int Hard = 64 * 1024 * 1024;
        var (reason, peak) = await DropNonReaderAsync(o =>
        {
            o.SoftLimit = 256 * 1024;
            o.SoftLimitTime = TimeSpan.FromSeconds(2);
            o.HardLimit = Hard;
        });
        Assert.Contains("soft limit", reason, StringComparison.Ordinal);
        Assert.True(peak < Hard, $"{peak} bytes were queued for it");
    }

    [Fact]
    public async Task The_budget_still_drops_non_readers_that_stay_under_their_own_limits()
    {
        const int NonReaders = 6;
        await using var server = await TestServer.StartAsync(o =>
        {
            // Each non-reader stays far below its soft limit (8 MiB); together they pass the budget.
            o.MaxOutboundTotal = 2 * 1024 * 1024;
            o.LiftRateLimitAndStorageQuota();
        });
        using var events = server.Server.Subscribe(10_000);
        await using var reader = await server.JoinAsync("reader");
        await using var talker = await server.JoinAsync("talker");
        var crowd = new List<LineClient>();
        for (var i = 0; i < NonReaders; i++)
        {
            crowd.Add(await LineClient.ConnectAsync(server.Port, receiveBuffer: 4096, read: false));
        }

        await LazyReplyTests.WaitUntilAsync(() => server.Server.GetSessions().Count == NonReaders + 2);
        var said = 0;
        long peak = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (server.Server.GetSessions().Count > 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the crowd was not dropped: {Disconnects(events)}");
            await talker.SendLineAsync($"{said++} {Text}");
            peak = Math.Max(peak, server.Server.GetSessions().Max(s => s.QueuedBytes));
            if (said % 10 == 0)
            {
                await Task.Delay(20);
            }
        }

        await reader.WaitForContainsAsync($"<talker> {said - 1} ", Timeout);
        Assert.False(reader.IsClosed, "the reader that keeps up was dropped");

        // A session leaves the directory a moment before its disconnect is published.
        await LazyReplyTests.WaitUntilAsync(() => Disconnects(events).Split("; ").Length >= NonReaders);
        var reasons = Disconnects(events);
        output.WriteLine($"{said} lines; largest queue {peak / 1024} KiB; dropped: {reasons}");
        Assert.Equal(NonReaders, reasons.Split("; ").Count(r => r.Contains("budget", StringComparison.Ordinal)));
        Assert.True(peak < 8 * 1024 * 1024, $"a queue reached {peak} bytes");

        foreach (var client in crowd)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>A client that never reads, fed by a talker until the server drops it; its reason and its largest queue.</summary>
    private static async Task<(string Reason, long Peak)> DropNonReaderAsync(Action<ChatServerOptions> limits)
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            limits(o);
            o.LiftRateLimitAndStorageQuota();
        });
        using var events = server.Server.Subscribe(10_000);
        await using var sink = await LineClient.ConnectAsync(server.Port, receiveBuffer: 4096, read: false);
        await sink.SendLineAsync("/nick sink");
        await LazyReplyTests.WaitUntilAsync(() => server.Server.GetSessions().Any(s => s.Nick == "sink"));
        await using var talker = await server.JoinAsync("talker");

        long peak = 0;
        var said = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (server.Server.GetSessions().FirstOrDefault(s => s.Nick == "sink") is { } session)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the non-reader was never dropped ({session.QueuedBytes} bytes queued)");
            peak = Math.Max(peak, session.QueuedBytes);
            await talker.SendLineAsync($"{said++} {Text}");
            if (said % 10 == 0)
            {
                await Task.Delay(20);
            }
        }

        Assert.False(talker.IsClosed, "the talker was dropped");
        await LazyReplyTests.WaitUntilAsync(() => Disconnects(events).Contains("sink:", StringComparison.Ordinal));
        return (Disconnects(events), peak);
    }

    private static readonly Dictionary<ChatEventSubscription, List<string>> s_seen = [];

    // Every disconnect so far on this subscription ("nick: reason; ..."); events are read once, so they are kept.
    private static string Disconnects(ChatEventSubscription events)
    {
        lock (s_seen)
        {
            if (!s_seen.TryGetValue(events, out var seen))
            {
                s_seen[events] = seen = [];
            }

            while (events.Reader.TryRead(out var e))
            {
                if (e.Kind == ChatEventKind.Disconnected)
                {
                    seen.Add($"{e.Nick}: {e.Text}");
                }
            }

            return string.Join("; ", seen);
        }
    }
}
