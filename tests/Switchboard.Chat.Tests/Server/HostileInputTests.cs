using System.Text;
using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// The hostile-client "done when": a line without end, a client that never reads, invalid UTF-8 and NUL
/// bytes, a flood and many silent connections, all during a conversation between two well-behaved clients who
/// keep getting each other's lines, while the server stays up with bounded buffers.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int OutboundLimit = 64 * 1024;
    private const int MaxLine = 64 * 1024;

    [Fact]
    public async Task Hostile_clients_are_cut_off_while_a_conversation_carries_on()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxOutboundBufferSize = OutboundLimit;
            // The per-connection bound this test measures: a session past it is dropped.
            o.SoftLimit = OutboundLimit;
            o.HardLimit = OutboundLimit;
            // loud sends 60 KiB lines until the non-reader goes; the storage quota is not what this is about (the
            // rate limit is: the flooder meets it).
            o.LiftStorageQuota();
            o.MaxLineLength = MaxLine;
            o.IdleTimeout = TimeSpan.FromSeconds(5);
            o.MaxConnectionsPerAddress = 64;
        });
        using var events = server.Server.Subscribe(10_000);
        await using var alice = await server.JoinAsync("alice");
        await using var bob = await server.JoinAsync("bob");

        using var stopTalking = new CancellationTokenSource();
        var conversation = ConverseAsync(alice, bob, stopTalking.Token);
        // The 5 s idle timeout is for the silent crowd; alice and bob each speak once a round, and a round slowed past
        // it on a loaded machine would close them as idle. They ping meanwhile, as a client with a keepalive does.
        var keepAlive = Task.WhenAll(PingUntilClosedAsync(alice, stopTalking.Token), PingUntilClosedAsync(bob, stopTalking.Token));
        var peakQueued = 0L;
        var sampler = SampleQueuesAsync(server, q => peakQueued = Math.Max(peakQueued, q), stopTalking.Token);

        await Task.WhenAll(
            EndlessLineAsync(server),
            NeverReadingClientAsync(server),
            GarbageAsync(server),
            FloodAsync(server));
        await SilentCrowdAsync(server);

        stopTalking.Cancel();
        var rounds = await conversation;
        await keepAlive;
        await sampler;
        output.WriteLine($"conversation rounds during the attacks: {rounds}; peak queued bytes of one session: {peakQueued}");
        Assert.True(rounds >= 5, $"only {rounds} rounds of conversation");
        Assert.True(peakQueued <= OutboundLimit + MaxLine + 1024, $"a session queued {peakQueued} bytes");

        // Nothing hostile was relayed as it came.
        foreach (var line in alice.Lines.Concat(bob.Lines))
        {
            Assert.DoesNotContain('\0', line);
            Assert.DoesNotContain("garbage", line, StringComparison.Ordinal);
            Assert.DoesNotContain("xxxxxxxx", line, StringComparison.Ordinal);
        }

        // The server is still up and welcomes newcomers.
        await using var late = await server.ConnectAsync();
        await late.WaitForContainsAsync("Welcome");

        var reasons = new List<string>();
        while (events.Reader.TryRead(out var e))
        {
            if (e.Kind == ChatEventKind.Disconnected)
            {
                reasons.Add(e.Text ?? "");
            }
        }

        Assert.Contains(reasons, r => r.Contains("line too long", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("not reading", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("invalid lines", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("flood", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("idle", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_that_asks_for_history_and_never_reads_is_dropped()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxOutboundBufferSize = 16 * 1024;
            o.ReplyTimeout = TimeSpan.FromSeconds(2);
            // The filler is posted through the web API, which now has the chat's rate limit and storage quota.
            o.LiftRateLimitAndStorageQuota();
        });
        var text = new string('h', 1000);
        for (var i = 0; i < 3000; i++)
        {
            await server.Server.PostAsync("filler", "lobby", text);
        }

        // 3 MB of history requested, none of it read: more than the socket buffers and the outbound limit hold.
        await using var sink = await LineClient.ConnectAsync(server.Port, receiveBuffer: 4096, read: false);
        await sink.SendLineAsync("/history 10000");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var id = 0L;
        while (id == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the hoarding client's session never appeared");
            id = server.Server.GetSessions().FirstOrDefault()?.Id ?? 0;
            await Task.Delay(20);
        }

        while (server.Server.GetSession(id) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the hoarding client was never dropped");
            await Task.Delay(100);
        }

        await using var late = await server.JoinAsync("late");
        Assert.Contains(server.Server.GetSessions(), s => s.Nick == "late");
    }

    /// <summary>Alice and Bob take turns; each line must reach the other (generous timeout, no speed assertion).</summary>
    private static async Task<int> ConverseAsync(LineClient alice, LineClient bob, CancellationToken stop)
    {
        var rounds = 0;
        while (!stop.IsCancellationRequested)
        {
            await alice.SendLineAsync($"ping {rounds} from alice");
            await bob.WaitForContainsAsync($"<alice> ping {rounds} from alice", TimeSpan.FromSeconds(20));
            await bob.SendLineAsync($"pong {rounds} from bob");
            await alice.WaitForContainsAsync($"<bob> pong {rounds} from bob", TimeSpan.FromSeconds(20));
            rounds++;
            await Task.Delay(100, CancellationToken.None);
        }

        return rounds;
    }

    private static async Task SampleQueuesAsync(TestServer server, Action<long> observe, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var session in server.Server.GetSessions())
            {
                observe(session.QueuedBytes);
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static async Task EndlessLineAsync(TestServer server)
    {
        await using var client = await server.ConnectAsync();
        await client.WaitForContainsAsync("Welcome");
        var chunk = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));
        try
        {
            for (var i = 0; i < 16 && !client.IsClosed; i++)
            {
                await client.SendAsync(chunk);
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Closed while we were still writing: fine.
        }

        await client.WaitForContainsAsync("ERR line-too-long");
        await client.WaitClosedAsync();
    }

    private static async Task NeverReadingClientAsync(TestServer server)
    {
        // A tiny receive window and no reads: everything sent to it piles up in the server's buffer.
        await using var sink = await LineClient.ConnectAsync(server.Port, receiveBuffer: 4096, read: false);
        await sink.SendLineAsync("/nick sink");
        await sink.SendLineAsync("/join sink");
        // sink reads nothing, so ask the server when its two commands have been taken: until then there is no
        // session named "sink", and the loop below would end at once and leave sink to be closed by its own side.
        var joined = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!server.Server.GetSessions().Any(s => s.Nick == "sink" && s.Room == "sink"))
        {
            Assert.True(DateTime.UtcNow < joined, "the never-reading client never got its nick and room");
            await Task.Delay(20);
        }

        await using var loud = await server.JoinAsync("loud");
        await loud.SendLineAsync("/join sink");
        await loud.WaitForContainsAsync("loud joined #sink");
        // sink keeps talking while it never reads: a slow consumer, not an idle one. Silent, it raced the 5 s idle
        // timeout on a loaded machine (where the kernel's send buffer takes a while to fill) and was sometimes
        // closed as idle before its queue reached the limit.
        using var stopPinging = new CancellationTokenSource();
        var pinging = PingUntilClosedAsync(sink, stopPinging.Token);
        var big = new string('y', 60 * 1024);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (server.Server.GetSessions().Any(s => s.Nick == "sink"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the never-reading client was never disconnected");
            await loud.SendLineAsync(big);
            await Task.Delay(50);
        }

        stopPinging.Cancel();
        await pinging;
    }

    private static async Task PingUntilClosedAsync(LineClient client, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await client.SendLineAsync("/ping");
                await Task.Delay(500, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Stopped, or the server has closed the connection: either way nothing more to say.
        }
    }

    private static async Task GarbageAsync(TestServer server)
    {
        await using var client = await server.ConnectAsync();
        await client.WaitForContainsAsync("Welcome");
        await client.SendAsync([.. "garbage \xC3"u8.ToArray().Take(8), 0xC3, 0x28, (byte)'\n']);
        await client.WaitForContainsAsync("ERR invalid-utf8");
        await client.SendAsync([.. "garbage"u8.ToArray(), 0, .. "nul\n"u8.ToArray()]);
        await client.WaitForContainsAsync("ERR nul-byte");
        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync([.. "garbage "u8.ToArray(), 0xFF, 0xFE, (byte)'\n']);
        }

        await client.WaitClosedAsync();
    }

    private static async Task FloodAsync(TestServer server)
    {
        await using var client = await server.JoinAsync("flooder");
        var flood = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            flood.Append("flood ").Append(i).Append('\n');
        }

        try
        {
            await client.SendAsync(Encoding.ASCII.GetBytes(flood.ToString()));
        }
        catch (System.Net.Sockets.SocketException)
        {
        }

        await client.WaitForContainsAsync("ERR rate-limited");
        await client.WaitForContainsAsync("ERR flood");
        await client.WaitClosedAsync();
    }

    private async Task SilentCrowdAsync(TestServer server)
    {
        var crowd = new List<LineClient>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                crowd.Add(await server.ConnectAsync());
            }

            foreach (var client in crowd)
            {
                await client.WaitClosedAsync(TimeSpan.FromSeconds(30));
            }

            var refused = crowd.Count(c => c.Lines.Any(l => l.StartsWith("ERR too-many-connections", StringComparison.Ordinal)));
            var idle = crowd.Count(c => c.Lines.Any(l => l.StartsWith("ERR idle-timeout", StringComparison.Ordinal)));
            output.WriteLine($"silent connections: {refused} refused over the per-address limit, {idle} closed as idle");
            Assert.Equal(crowd.Count, refused + idle);
            Assert.True(refused > 0 && idle > 0);
        }
        finally
        {
            foreach (var client in crowd)
            {
                await client.DisposeAsync();
            }
        }
    }
}
