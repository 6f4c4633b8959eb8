using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net.Tests.Transport;

/// <summary>ReadSocketOptions (QAbstractSocket::socketOption): what the kernel reports, checked against getsockopt on the socket itself.</summary>
public sealed class SocketOptionReadBackTests
{
    [Fact]
    public async Task ReadSocketOptions_reports_what_the_socket_has()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) => await c.Input.ReadAsync(ct));
        var options = new ClientOptions
        {
            NoDelay = false,
            KeepAlive = TimeSpan.FromSeconds(40),
            KeepAliveInterval = TimeSpan.FromSeconds(9),
            KeepAliveCount = 6,
            SendBufferSize = 32 * 1024,
            ReceiveBufferSize = 48 * 1024,
            Linger = TimeSpan.FromSeconds(3),
        };
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", ((IPEndPoint)listener.BoundEndPoint).Port, options);
        var socket = client.SocketForTests!;

        var read = client.ReadSocketOptions()!;

        Assert.False(read.NoDelay);
        Assert.True(read.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(40), read.KeepAliveIdle);
        Assert.Equal(TimeSpan.FromSeconds(9), read.KeepAliveInterval);
        Assert.Equal(6, read.KeepAliveCount);
        Assert.Equal(socket.SendBufferSize, read.SendBufferSize);
        Assert.Equal(socket.ReceiveBufferSize, read.ReceiveBufferSize);
        Assert.InRange(read.SendBufferSize, 32 * 1024, 2 * 32 * 1024);
        Assert.Equal(TimeSpan.FromSeconds(3), read.Linger);
    }

    [Fact]
    public async Task Defaults_read_back_as_nodelay_on_and_keepalive_and_linger_off_and_a_unix_socket_has_none()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) => await c.Input.ReadAsync(ct));
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", ((IPEndPoint)listener.BoundEndPoint).Port);

        var read = client.ReadSocketOptions()!;
        Assert.True(read.NoDelay);
        Assert.False(read.KeepAlive);
        Assert.Null(read.KeepAliveIdle);
        Assert.Null(read.Linger);

        var path = Path.Combine(Path.GetTempPath(), $"sb-{Guid.NewGuid():N}.sock");
        await using var unix = await SwitchboardListener.StartAsync(ListenerOptions.Unix(path), async (c, ct) => await c.Input.ReadAsync(ct));
        await using var local = await SwitchboardConnection.ConnectUnixAsync(path);
        Assert.Null(local.ReadSocketOptions());
    }
}
