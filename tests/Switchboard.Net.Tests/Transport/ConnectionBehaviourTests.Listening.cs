using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Transport;

// Stop listening, then listen again: over TCP, TLS and Unix sockets like the rest of the suite.
public abstract partial class ConnectionBehaviourTests
{
    [Fact]
    public async Task Stop_then_start_serves_newcomers_again_and_live_clients_carry_on_through_both()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), EchoAsync);
        var bound = listener.BoundEndPoint;
        await using var live = await ConnectAsync(listener);
        var liveLines = live.CreateReader(new LineReader());
        await AssertEchoedAsync(live, liveLines, "before");

        await listener.StopListeningAsync();
        Assert.Equal(ListenerState.Stopped, listener.State);
        Assert.False(listener.IsListening);
        await AssertTurnedAwayAsync(listener);
        await AssertEchoedAsync(live, liveLines, "while stopped");

        await listener.StartListeningAsync(TestTimeout.Token());
        Assert.Equal(ListenerState.Listening, listener.State);
        // Port 0 binds the port it had again, even with a connection accepted on it still open.
        Assert.Equal(bound, listener.BoundEndPoint);
        await using var newcomer = await ConnectAsync(listener);
        await AssertEchoedAsync(newcomer, newcomer.CreateReader(new LineReader()), "served again");
        await AssertEchoedAsync(live, liveLines, "after");
        Assert.Equal(2, listener.Connections.Count);
    }

    [Fact]
    public async Task Stop_unbinds_at_once_while_a_connection_lives_and_start_binds_the_same_address_again()
    {
        var options = WithFixedAddress(ListenerOptions());
        await using var listener = await SwitchboardListener.StartAsync(options, EchoAsync);
        var bound = listener.BoundEndPoint;
        await using var live = await ConnectAsync(listener);
        var liveLines = live.CreateReader(new LineReader());
        await AssertEchoedAsync(live, liveLines, "before");

        await listener.StopListeningAsync();
        Assert.Equal(ListenerState.Stopped, listener.State);
        // Unbound although a connection accepted on the address is open: connecting is refused outright.
        var refused = await Assert.ThrowsAsync<ConnectException>(() => ConnectAsync(listener));
        Assert.Contains(refused.Error, new[] { ConnectError.Refused, ConnectError.PathNotFound });
        if (bound is UnixDomainSocketEndPoint)
        {
            Assert.False(File.Exists(bound.ToString()), "the socket file outlived the unbind");
        }

        await AssertEchoedAsync(live, liveLines, "unbound, still served");
        await listener.StartListeningAsync(TestTimeout.Token());
        Assert.True(listener.IsListening);
        Assert.Equal(bound, listener.BoundEndPoint);
        await using var newcomer = await ConnectAsync(listener);
        await AssertEchoedAsync(newcomer, newcomer.CreateReader(new LineReader()), "served again");
        await AssertEchoedAsync(live, liveLines, "after");
    }

    [Fact]
    public async Task Start_while_listening_and_stop_while_stopped_change_nothing()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), EchoAsync);
        await listener.StartListeningAsync(TestTimeout.Token());
        Assert.True(listener.IsListening);
        await listener.StopListeningAsync();
        await listener.StopListeningAsync();
        Assert.Equal(ListenerState.Stopped, listener.State);
        await listener.ShutdownAsync(TestTimeout.Token());
        Assert.Equal(ListenerState.Closed, listener.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => listener.StartListeningAsync(TestTimeout.Token()));
    }

    /// <summary>Refused outright (nothing bound any more) or accepted by the kernel and closed without service.</summary>
    private async Task AssertTurnedAwayAsync(SwitchboardListener listener)
    {
        var turnedAway = await Record.ExceptionAsync(async () =>
        {
            await using var late = await ConnectAsync(listener);
            await late.SendAsync("anyone?\n"u8.ToArray());
            Assert.Empty(await ReadToEndAsync(late.Input).Within());
        });
        Assert.True(turnedAway is null or ConnectException or IOException, $"unexpected: {turnedAway}");
    }

    private static async Task AssertEchoedAsync(SwitchboardConnection connection, ProtocolReader<ReadOnlySequence<byte>> lines, string text)
    {
        await connection.SendAsync(Encoding.UTF8.GetBytes(text + "\n"));
        var result = await lines.ReadAsync(TestTimeout.Token());
        Assert.Equal(text, Encoding.UTF8.GetString(result.Message));
    }

    /// <summary>The same options with an explicit free port instead of 0 (a Unix path is always explicit).</summary>
    private static ListenerOptions WithFixedAddress(ListenerOptions options)
    {
        if (options.EndPoint is not IPEndPoint ip)
        {
            return options;
        }

        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(ip.Address, 0));
        var fixedOptions = Net.ListenerOptions.Tcp(ip.Address, ((IPEndPoint)probe.LocalEndPoint!).Port);
        fixedOptions.Certificate = options.Certificate;
        return fixedOptions;
    }
}
