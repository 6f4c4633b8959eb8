using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Switchboard.Net.Framing;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Client;

/// <summary>Reconnect in the library: backoff with jitter, the give-up count, heartbeats, a server killed and restarted.</summary>
public sealed class ReconnectingClientTests
{
    [Fact]
    public void Delays_double_up_to_the_maximum_and_jitter_stays_within_its_spread()
    {
        var exact = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(1000), Jitter = 0 };
        Assert.Equal([100, 200, 400, 800, 1000, 1000], Enumerable.Range(1, 6).Select(a => exact.DelayFor(a).TotalMilliseconds));

        var jittered = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0.2 };
        var random = new Random(11);
        var delays = Enumerable.Range(0, 500).Select(_ => jittered.DelayFor(3, random).TotalMilliseconds).ToList();
        Assert.All(delays, d => Assert.InRange(d, 320, 480));
        // Spread, not a constant: the point of jitter.
        Assert.True(delays.Max() - delays.Min() > 100, $"delays from {delays.Min()} to {delays.Max()}");
    }

    [Fact]
    public async Task A_client_reconnects_with_growing_delays_after_the_server_is_killed_and_restarted()
    {
        var port = FreePort();
        var greetings = new ConcurrentQueue<string>();
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var states = new ConcurrentQueue<ConnectionState>();
        var options = new ClientOptions { Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(2), Jitter = 0 } };
        var client = ReconnectingClient.ForTcp("127.0.0.1", port, options);
        client.Reconnecting += (_, e) => reconnecting.Enqueue(e);
        client.StateChanged += (_, e) => states.Enqueue(e.NewState);
        using var stop = new CancellationTokenSource();

        var server = await StartServerAsync(port, "first");
        var run = client.RunAsync(async (connection, ct) =>
        {
            await foreach (var line in connection.ReadLinesAsync(cancellationToken: ct))
            {
                greetings.Enqueue(line);
            }
        }, stop.Token);
        await TestTimeout.UntilAsync(() => greetings.Contains("first"), "the first server greeted");

        // Kill the server: the session ends, and every retry is refused until it is back.
        await server.DisposeAsync();
        await TestTimeout.UntilAsync(() => reconnecting.Count >= 4, "several refused retries");
        server = await StartServerAsync(port, "second");
        await TestTimeout.UntilAsync(() => greetings.Contains("second"), "the restarted server greeted");
        Assert.Equal(ConnectionState.Connected, client.State);

        await stop.CancelAsync();
        await run.Within();
        await server.DisposeAsync();

        var retries = reconnecting.ToArray();
        // The first wait follows the lost connection; then each refused attempt waits twice as long.
        Assert.Equal(1, retries[0].Attempt);
        Assert.Equal(TimeSpan.FromMilliseconds(50), retries[0].Delay);
        for (var i = 1; i < 4; i++)
        {
            Assert.Equal(retries[i - 1].Attempt + 1, retries[i].Attempt);
            Assert.Equal(2 * retries[i - 1].Delay, retries[i].Delay);
            Assert.Contains("refused", retries[i].Reason, StringComparison.Ordinal);
        }

        Assert.Contains(ConnectionState.Reconnecting, states);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task The_client_gives_up_after_the_given_number_of_failed_attempts()
    {
        var port = FreePort();
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var options = new ClientOptions { Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(20), MaxAttempts = 3 } };
        var client = ReconnectingClient.ForTcp("127.0.0.1", port, options);
        client.Reconnecting += (_, e) => reconnecting.Enqueue(e);
        var sessions = 0;

        var error = await Assert.ThrowsAsync<ConnectException>(() => client.RunAsync((_, _) => { sessions++; return Task.CompletedTask; }).Within());

        Assert.Equal(ConnectError.Refused, error.Error);
        Assert.StartsWith("gave up after 3 attempts", error.Message, StringComparison.Ordinal);
        // Three attempts: two waits between them, none after the last.
        Assert.Equal([1, 2], reconnecting.Select(r => r.Attempt));
        Assert.Equal(0, sessions);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task A_silent_server_gets_a_heartbeat_and_is_dropped_when_it_does_not_answer()
    {
        // Accepts and reads, never answers: a half-dead peer as TCP alone would not notice for minutes.
        var pings = new ConcurrentQueue<string>();
        await using var silent = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await foreach (var line in c.ReadLinesAsync(cancellationToken: ct))
            {
                pings.Enqueue(line);
            }
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var options = new ClientOptions
        {
            Reconnect = new ReconnectOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(200), HeartbeatTimeout = TimeSpan.FromMilliseconds(300), InitialDelay = TimeSpan.FromSeconds(30) },
        };
        var client = ReconnectingClient.ForTcp("127.0.0.1", ((IPEndPoint)silent.BoundEndPoint).Port, options);
        client.Reconnecting += (_, e) => reconnecting.Enqueue(e);
        using var stop = new CancellationTokenSource();
        var run = client.RunAsync(async (connection, ct) => await connection.Input.ReadAsync(ct), stop.Token);

        await TestTimeout.UntilAsync(() => !reconnecting.IsEmpty, "the silent connection was dropped");
        Assert.Contains("/ping", pings);
        Assert.Contains("heartbeat", reconnecting.First().Reason, StringComparison.Ordinal);
        await stop.CancelAsync();
        await run.Within();
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
