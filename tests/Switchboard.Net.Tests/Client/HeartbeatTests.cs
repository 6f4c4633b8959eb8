using System.Collections.Concurrent;
using System.Net;
using Switchboard.Net.Framing;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Client;

/// <summary>
/// When the heartbeat pings: after a quiet spell in either direction (a client that only listens must still keep
/// the server's idle timeout away), never while the connection is busy both ways.
/// </summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task A_client_that_only_listens_to_a_talkative_server_still_sends_heartbeats()
    {
        var received = new ConcurrentQueue<string>();
        await using var server = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            // Talks without pause, so the client's inbound side is never quiet.
            var talk = Task.Run(async () =>
            {
                for (var i = 0; !ct.IsCancellationRequested; i++)
                {
                    await c.SendAsync(LineWriter.Lf, $"news {i}", ct);
                    await Task.Delay(20, ct);
                }
            }, ct);
            await foreach (var line in c.ReadLinesAsync(cancellationToken: ct))
            {
                received.Enqueue(line);
            }

            await talk.ContinueWith(_ => { }, TaskScheduler.Default);
        });
        var options = new ClientOptions { Reconnect = new ReconnectOptions { HeartbeatInterval = TimeSpan.FromSeconds(1), HeartbeatTimeout = TimeSpan.FromSeconds(10) } };
        var client = ReconnectingClient.ForTcp("127.0.0.1", ((IPEndPoint)server.BoundEndPoint).Port, options);
        var news = 0;
        using var stop = new CancellationTokenSource();
        var run = client.RunAsync(async (connection, ct) =>
        {
            await foreach (var _ in connection.ReadLinesAsync(cancellationToken: ct))
            {
                Interlocked.Increment(ref news);
            }
        }, stop.Token);

        await TestTimeout.UntilAsync(() => received.Contains("/ping"), "the listening client sent a heartbeat");
        Assert.True(Volatile.Read(ref news) > 0, "the server's lines reached the client");

        await stop.CancelAsync();
        await run.Within();
    }

    [Fact]
    public async Task A_connection_busy_both_ways_gets_no_heartbeat_until_it_goes_quiet()
    {
        var received = new ConcurrentQueue<string>();
        await using var server = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await foreach (var line in c.ReadLinesAsync(cancellationToken: ct))
            {
                received.Enqueue(line);
                if (line != "/ping")
                {
                    await c.SendAsync(LineWriter.Lf, "echo " + line, ct);
                }
            }
        });
        var options = new ClientOptions { Reconnect = new ReconnectOptions { HeartbeatInterval = TimeSpan.FromSeconds(2), HeartbeatTimeout = TimeSpan.FromSeconds(10) } };
        var client = ReconnectingClient.ForTcp("127.0.0.1", ((IPEndPoint)server.BoundEndPoint).Port, options);
        const int Lines = 80;
        var echoes = 0;
        using var stop = new CancellationTokenSource();
        var run = client.RunAsync(async (connection, ct) =>
        {
            // Many times the interval of steady traffic both ways, then quiet.
            var talk = Task.Run(async () =>
            {
                for (var i = 0; i < Lines; i++)
                {
                    await connection.SendAsync(LineWriter.Lf, $"line {i}", ct);
                    await Task.Delay(50, ct);
                }
            }, ct);
            await foreach (var _ in connection.ReadLinesAsync(cancellationToken: ct))
            {
                Interlocked.Increment(ref echoes);
            }

            await talk.ContinueWith(_ => { }, TaskScheduler.Default);
        }, stop.Token);

        await TestTimeout.UntilAsync(() => Volatile.Read(ref echoes) >= Lines, "every line echoed");
        await TestTimeout.UntilAsync(() => received.Contains("/ping"), "a heartbeat once the connection went quiet");

        var lines = received.ToList();
        Assert.True(lines.IndexOf("/ping") > lines.IndexOf($"line {Lines - 1}"), "a heartbeat went out while lines were flowing:\n" + string.Join("\n", lines));

        await stop.CancelAsync();
        await run.Within();
    }
}
