using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Interop;

/// <summary>
/// The issue's case: one sender pushes 20 MB through <c>listen --mode relay</c> as fast as it can. A reader that
/// reads as fast as it can must get every line (it used to be dropped at the first 1 MiB of lag); a client that
/// never reads must be dropped (past the soft limit for its time, or at the hard limit), and the sender is slowed
/// to the readers' pace meanwhile instead of being queued for without bound.
/// </summary>
public sealed class RelaySlowConsumerTests
{
    private const int Lines = 20_000;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);

    private static async Task<Socket> ConnectAsync(int port, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    [Fact]
    public async Task A_reader_that_keeps_up_gets_all_20k_lines_and_a_non_reader_is_dropped()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "relay");
        await using var _ = server;
        using var reader = await ConnectAsync(port);
        await server.WaitForLineAsync("#1 .*connected", stderr: true);
        using var sleeper = await ConnectAsync(port, receiveBuffer: 4096);
        await server.WaitForLineAsync("#2 .*connected", stderr: true);
        using var sender = await ConnectAsync(port);
        await server.WaitForLineAsync("#3 .*connected", stderr: true);

        var payload = new string('r', 1000);
        var reading = Task.Run(async () =>
        {
            using var lines = new StreamReader(new NetworkStream(reader, ownsSocket: false), Encoding.UTF8);
            using var timeout = new CancellationTokenSource(Generous);
            for (var i = 0; i < Lines; i++)
            {
                var line = await lines.ReadLineAsync(timeout.Token);
                Assert.True(line is not null, $"the reader was cut off after {i} of {Lines} lines");
                Assert.Equal($"{i.ToString(CultureInfo.InvariantCulture)} {payload}", line);
            }
        });
        var sending = Task.Run(async () =>
        {
            // No pacing: the relay's backpressure is what slows this sender down.
            await using var stream = new NetworkStream(sender, ownsSocket: false);
            for (var i = 0; i < Lines; i++)
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes($"{i.ToString(CultureInfo.InvariantCulture)} {payload}\n"));
            }
        });

        await Task.WhenAll(reading, sending).WaitAsync(Generous);
        await server.WaitForLineAsync(@"dropped #2 .*not reading", stderr: true, timeout: Generous);
        Assert.DoesNotContain("dropped #1", server.Stderr, StringComparison.Ordinal);
        Assert.False(server.HasExited);

        // The sleeper sees its connection end (it gets a reset, or the end after what was in flight).
        using var closed = new CancellationTokenSource(Generous);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await sleeper.ReceiveAsync(buffer, SocketFlags.None, closed.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }
}
