using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Switchboard.Net.Framing;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Client;

/// <summary>
/// A reconnecting client given several endpoints (the nodes of a cluster): a failed or lost node is followed at
/// once by the next, and the backoff waits only once every node failed; a connection the session never confirmed
/// counts as a failed attempt.
/// </summary>
public sealed class ReconnectFailoverTests
{
    [Fact]
    public async Task Endpoints_are_tried_in_turn_and_the_client_waits_only_after_every_one_failed()
    {
        var down = FreePort();
        var port = FreePort();
        var greetings = new ConcurrentQueue<string>();
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var options = new ClientOptions { Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(5), Jitter = 0 } };
        var client = ReconnectingClient.ForTcp([new DnsEndPoint("127.0.0.1", down), new DnsEndPoint("127.0.0.1", port)], options);
        client.Reconnecting += (_, e) => reconnecting.Enqueue(e);
        using var stop = new CancellationTokenSource();
        var server = await StartServerAsync(port, "up");

        var run = client.RunAsync(async (connection, ct) =>
        {
            await foreach (var line in connection.ReadLinesAsync(cancellationToken: ct))
            {
                greetings.Enqueue(line);
            }
        }, stop.Token);
        await TestTimeout.UntilAsync(() => greetings.Contains("up"), "the second endpoint greeted");
        Assert.Equal(new DnsEndPoint("127.0.0.1", port), client.EndPoint);

        // Both down now: the lost node is followed at once by the other, then the waits grow per round.
        await server.DisposeAsync();
        // Two events before the rounds, then the five the assertions below read.
        await TestTimeout.UntilAsync(() => reconnecting.Count >= 7, "several rounds of retries");
        await stop.CancelAsync();
        await run.Within();

        var events = reconnecting.ToArray();
        var refusedFirst = events[0];
        Assert.False(refusedFirst.ConnectionLost);
        Assert.Equal(TimeSpan.Zero, refusedFirst.Delay);
        Assert.Equal(new DnsEndPoint("127.0.0.1", down), refusedFirst.From);
        Assert.Equal(new DnsEndPoint("127.0.0.1", port), refusedFirst.To);

        var lost = events[1];
        Assert.True(lost.ConnectionLost);
        Assert.Equal(TimeSpan.Zero, lost.Delay);
        Assert.Equal(new DnsEndPoint("127.0.0.1", port), lost.From);
        Assert.Equal(new DnsEndPoint("127.0.0.1", down), lost.To);

        // After the loss: the other node fails (a round), wait 100 ms; then each round of two waits twice as long.
        Assert.Equal([100, 0, 200, 0, 400], events.Skip(2).Take(5).Select(e => e.Delay.TotalMilliseconds));
        Assert.Equal([100, 0, 200, 0, 400], events.Skip(2).Take(5).Select(e => e.NominalDelay.TotalMilliseconds));
        Assert.All(events.Skip(2).Take(5), e => Assert.False(e.ConnectionLost));
        Assert.All(events, e => Assert.NotEqual(e.From, e.To));
        // Attempts count from the last good connection: one before it, then anew after the loss.
        Assert.Equal(1, events[0].Attempt);
        Assert.Equal(Enumerable.Range(1, events.Length - 1), events.Skip(1).Select(e => e.Attempt));
    }

    [Fact]
    public async Task A_connection_the_session_never_confirms_counts_as_a_failed_attempt()
    {
        // Accepts, sends something the session does not take as a greeting, and hangs up: a broken server.
        var accepted = 0;
        await using var broken = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            Interlocked.Increment(ref accepted);
            await c.SendAsync(LineWriter.Lf, "garbage", ct);
            await c.CloseAsync("bye");
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var options = new ClientOptions
        {
            Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(5), Jitter = 0, RequireConfirmation = true, MaxAttempts = 4 },
        };
        var client = ReconnectingClient.ForTcp("127.0.0.1", ((IPEndPoint)broken.BoundEndPoint).Port, options);
        client.Reconnecting += (_, e) => reconnecting.Enqueue(e);

        var error = await Assert.ThrowsAsync<ConnectException>(() => client.RunAsync(async (connection, ct) =>
        {
            await foreach (var line in connection.ReadLinesAsync(cancellationToken: ct))
            {
                if (line == "hello")
                {
                    client.ConfirmConnection();
                }
            }
        }).Within());

        Assert.StartsWith("gave up after 4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, Volatile.Read(ref accepted));
        Assert.Equal([50, 100, 200], reconnecting.Select(e => e.Delay.TotalMilliseconds));
        Assert.All(reconnecting, e => Assert.True(e.ConnectionLost));
    }

    [Fact]
    public async Task A_confirmed_connection_starts_the_backoff_over_and_a_withdrawn_one_does_not()
    {
        var greeting = "hello";
        await using var server = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await c.SendAsync(LineWriter.Lf, Volatile.Read(ref greeting), ct);
            await c.CloseAsync("bye");
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var options = new ClientOptions { Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(50), Jitter = 0, RequireConfirmation = true } };
        var client = ReconnectingClient.ForTcp("127.0.0.1", ((IPEndPoint)server.BoundEndPoint).Port, options);
        client.Reconnecting += (_, e) => reconnecting.Enqueue(e);
        using var stop = new CancellationTokenSource();

        var run = client.RunAsync(async (connection, ct) =>
        {
            await foreach (var line in connection.ReadLinesAsync(cancellationToken: ct))
            {
                client.ConfirmConnection();
                if (line == "broken")
                {
                    // Greeted, then broke the protocol: not a working connection after all.
                    client.ConfirmConnection(false);
                }
            }
        }, stop.Token);

        await TestTimeout.UntilAsync(() => reconnecting.Count >= 3, "three confirmed connections lost");
        Volatile.Write(ref greeting, "broken");
        var before = reconnecting.Count;
        await TestTimeout.UntilAsync(() => reconnecting.Count >= before + 4, "withdrawn connections lost");
        await stop.CancelAsync();
        await run.Within();

        var delays = reconnecting.Select(e => e.Delay.TotalMilliseconds).ToArray();
        Assert.All(delays.Take(3), d => Assert.Equal(50, d));
        // The greeting switched somewhere in between; from then on every wait doubles.
        var tail = delays[^3..];
        Assert.Equal(2 * tail[0], tail[1]);
        Assert.Equal(2 * tail[1], tail[2]);
    }

    private static Task<SwitchboardListener> StartServerAsync(int port, string greeting)
        => SwitchboardListener.StartAsync(ListenerOptions.Loopback(port), async (c, ct) =>
        {
            await c.SendAsync(LineWriter.Lf, greeting, ct);
            await c.Input.ReadAsync(ct);
        });

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
