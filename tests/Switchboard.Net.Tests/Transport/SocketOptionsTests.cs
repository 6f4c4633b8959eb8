using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net.Tests.Transport;

/// <summary>Socket options (QAbstractSocket::setSocketOption) and the listen backlog, read back from the kernel.</summary>
public sealed class SocketOptionsTests
{
    [Fact]
    public async Task A_client_applies_its_options_and_getsockopt_reads_them_back()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) => await c.Input.ReadAsync(ct));
        var options = new ClientOptions
        {
            NoDelay = false,
            KeepAlive = TimeSpan.FromSeconds(30),
            KeepAliveInterval = TimeSpan.FromSeconds(7),
            KeepAliveCount = 5,
            SendBufferSize = 64 * 1024,
            ReceiveBufferSize = 96 * 1024,
            Linger = TimeSpan.FromSeconds(2),
        };
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener), options);
        var socket = client.SocketForTests!;

        Assert.False(socket.NoDelay);
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(30, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(7, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(5, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
        // Linux doubles the sizes asked for (the rest is its bookkeeping); it never gives less.
        Assert.InRange(socket.SendBufferSize, 64 * 1024, 2 * 64 * 1024);
        Assert.InRange(socket.ReceiveBufferSize, 96 * 1024, 2 * 96 * 1024);
        Assert.True(socket.LingerState!.Enabled);
        Assert.Equal(2, socket.LingerState.LingerTime);
    }

    [Fact]
    public async Task Defaults_keep_nodelay_on_and_keepalive_and_linger_off()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) => await c.Input.ReadAsync(ct));
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener));
        var socket = client.SocketForTests!;

        Assert.True(socket.NoDelay);
        Assert.Equal(0, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.False(socket.LingerState!.Enabled);
    }

    [Fact]
    public async Task An_accepted_connection_gets_the_listeners_connection_options()
    {
        var seen = new TaskCompletionSource<(bool NoDelay, int KeepAliveCount, int Idle)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = ListenerOptions.Loopback(0);
        options.Connection = new ConnectionOptions { NoDelay = false, KeepAlive = TimeSpan.FromSeconds(45), KeepAliveCount = 4 };
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) =>
        {
            var socket = c.SocketForTests!;
            seen.TrySetResult((socket.NoDelay,
                (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!,
                (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!));
            await c.Input.ReadAsync(ct);
        });
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener));

        var (noDelay, count, idle) = await seen.Task.Within();
        Assert.False(noDelay);
        Assert.Equal(4, count);
        Assert.Equal(45, idle);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(300)]
    public async Task The_listen_backlog_is_the_one_asked_for(int backlog)
    {
        var options = ListenerOptions.Loopback(0);
        options.Backlog = backlog;
        await using var listener = await SwitchboardListener.StartAsync(options, (c, ct) => Task.CompletedTask);

        // A listening socket's Send-Q in ss is its backlog (getsockopt has no option for it).
        Assert.Equal(backlog, await ListenBacklogAsync(Port(listener)));
    }

    [Fact]
    public void A_backlog_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ListenerOptions.Loopback(0).Backlog = 0);
        Assert.Equal(512, ListenerOptions.Loopback(0).Backlog);
    }

    private static async Task<int> ListenBacklogAsync(int port)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-Hltn", $"sport = :{port}"]) { RedirectStandardOutput = true })!;
        var output = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        var fields = output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.True(fields.Length >= 3, $"ss printed '{output}'");
        // State, Recv-Q, Send-Q, ...
        return int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int Port(SwitchboardListener listener) => ((IPEndPoint)listener.BoundEndPoint).Port;
}
