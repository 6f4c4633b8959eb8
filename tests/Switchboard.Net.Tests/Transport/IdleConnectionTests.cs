using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net.Tests.Transport;

/// <summary>
/// An idle connection starts its send loop only when it first sends or closes. These check that a connection that
/// never sent still closes gracefully (the peer sees a FIN, not a reset) from either side.
/// </summary>
public sealed class IdleConnectionTests
{
    [Fact]
    public async Task A_client_that_never_sent_closes_with_a_fin()
    {
        var serverSawEnd = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            var result = await c.Input.ReadAsync(ct);
            serverSawEnd.TrySetResult(result.IsCompleted && result.Buffer.IsEmpty);
        });
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port);
        await client.CloseAsync("done");
        Assert.True(await serverSawEnd.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, client.BytesSent);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_server_handler_that_never_sent_ends_with_a_fin()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), (c, ct) => Task.CompletedTask);
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // A FIN reads as 0 bytes; a reset would throw.
        Assert.Equal(0, await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
    }

    [Fact]
    public async Task A_connection_sends_after_a_long_idle_start()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await Task.Delay(200, ct);
            await c.SendAsync("late\n"u8.ToArray(), ct);
            c.TrySend("r\n"u8);
        });
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port);
        var lines = new List<string>();
        await foreach (var line in client.ReadLinesAsync().WithCancellation(new CancellationTokenSource(10_000).Token))
        {
            lines.Add(line);
        }

        Assert.Equal(["late", "r"], lines);
    }

    [Fact]
    public async Task Items_is_created_once_and_kept()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), (c, ct) => Task.CompletedTask);
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", ((IPEndPoint)listener.BoundEndPoint).Port);
        client.Items["nick"] = "ada";
        Assert.Same(client.Items, client.Items);
        Assert.Equal("ada", client.Items["nick"]);
    }
}
