using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Metrics;

/// <summary>The Switchboard.Net meter, read with a MeterListener as dotnet-counters or OpenTelemetry would.</summary>
public sealed class NetMetricsTests
{
    [Fact]
    public async Task Connections_bytes_and_messages_are_measured_per_listener()
    {
        using var metrics = new MetricsCollector();
        var options = ListenerOptions.Loopback(0);
        options.MaxConnections = 3;
        options.RejectMessage = "full\n"u8.ToArray();
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) =>
        {
            // An echo of lines: each line is a message in and a message out.
            await foreach (var line in c.ReadLinesAsync(cancellationToken: ct))
            {
                await c.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), ct);
            }
        });
        metrics.EndPoint = SwitchboardConnection.DescribeEndPoint(listener.BoundEndPoint);
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;

        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync("hello\n"u8.ToArray());
                var echo = new byte[6];
                await stream.ReadExactlyAsync(echo).AsTask().Within();
                Assert.Equal("hello\n", Encoding.ASCII.GetString(echo));
            }

            // The handler has read and echoed every line by now, but its counters may trail the echo by a moment: the
            // bytes sent are counted once the send loop's write returns, which can be after the client has the echo,
            // and the bytes received once the handler's reader moves past the line. Wait for every counter read below.
            await TestTimeout.UntilAsync(
                () => metrics.Observe("switchboard.net.messages", "direction=sent") == 3
                    && metrics.Observe("switchboard.net.io", "direction=sent") == 18
                    && metrics.Observe("switchboard.net.io", "direction=received") == 18
                    && metrics.Observe("switchboard.net.messages", "direction=received") == 3,
                "3 messages and 18 bytes each way are measured");
            Assert.Equal(3, metrics.Observe("switchboard.net.connections"));
            Assert.Equal(3, metrics.Counted("switchboard.net.connections.accepted"));
            Assert.Equal(18, metrics.Observe("switchboard.net.io", "direction=received"));
            Assert.Equal(18, metrics.Observe("switchboard.net.io", "direction=sent"));
            Assert.Equal(3, metrics.Observe("switchboard.net.messages", "direction=received"));

            // A fourth is over the limit: refused, with the reason.
            using (var fourth = new TcpClient())
            {
                await fourth.ConnectAsync(IPAddress.Loopback, port);
                var reply = await new StreamReader(fourth.GetStream()).ReadLineAsync().WaitAsync(TestTimeout.Default);
                Assert.Equal("full", reply);
            }

            await TestTimeout.UntilAsync(() => metrics.Counted("switchboard.net.connections.refused", "reason=limit") == 1, "the refusal is counted");
            Assert.Equal(3, metrics.Counted("switchboard.net.connections.accepted"));
            Assert.Equal(3, metrics.Observe("switchboard.net.connections"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        // Ended connections leave the gauge, and their counts stay in the counters.
        await TestTimeout.UntilAsync(() => metrics.Observe("switchboard.net.connections") == 0, "the gauge reads 0 after the clients left");
        Assert.Equal(18, metrics.Observe("switchboard.net.io", "direction=received"));
        Assert.Equal(18, metrics.Observe("switchboard.net.io", "direction=sent"));
        Assert.Equal(3, metrics.Observe("switchboard.net.messages", "direction=received"));
        Assert.Equal(3, metrics.Observe("switchboard.net.messages", "direction=sent"));
    }

    [Fact]
    public async Task A_peer_that_does_not_read_is_counted_as_a_slow_consumer_drop()
    {
        using var metrics = new MetricsCollector();
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = ListenerOptions.Loopback(0);
        options.Connection = new ConnectionOptions { MaxOutboundBufferSize = 64 * 1024 };
        SwitchboardListener? self = null;
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) =>
        {
            var chunk = new byte[16 * 1024];
            // The peer never reads: once the kernel's buffers and ours are full, the registry drops it.
            while (self!.Connections.TrySendOrDrop(c, chunk))
            {
                await Task.Yield();
            }

            dropped.TrySetResult();
        });
        self = listener;
        metrics.EndPoint = SwitchboardConnection.DescribeEndPoint(listener.BoundEndPoint);
        using var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.BoundEndPoint).Port);
        await dropped.Task.Within();
        Assert.Equal(1, metrics.Counted("switchboard.net.slow_consumer.drops", "reason=send_buffer_full"));
    }
}
