using System.Net.Sockets;
using System.Text;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Interop;

/// <summary>
/// The relay under bad input: a line without end, a client that never reads, invalid bytes. The well-behaved
/// clients must keep getting every line, and the server must stay up with bounded memory.
/// </summary>
public sealed class HostileClientTests
{
    private sealed class LineClient : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly byte[] _buffer = new byte[64 * 1024];
        private StreamReader? _reader;

        public static async Task<LineClient> ConnectAsync(int port)
        {
            var client = new LineClient();
            await client._socket.ConnectAsync("127.0.0.1", port);
            client._reader = new StreamReader(new NetworkStream(client._socket, ownsSocket: false), Encoding.UTF8);
            return client;
        }

        public int LinesRead { get; private set; }

        public Socket Socket => _socket;

        public Task SendAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text));

        public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes);

        public async Task<string?> ReadLineAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            var line = await _reader!.ReadLineAsync(cts.Token);
            LinesRead++;
            return line;
        }

        /// <summary>True once the server has closed this connection (end of stream or reset).</summary>
        public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (true)
                {
                    if (await _socket.ReceiveAsync(_buffer, SocketFlags.None, cts.Token) == 0)
                    {
                        return true;
                    }
                }
            }
            catch (SocketException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(15);

    private static async Task ExchangeAsync(LineClient from, LineClient to, string text)
    {
        await from.SendAsync(text + "\n");
        string? line;
        do
        {
            line = await to.ReadLineAsync(Moment);
            Assert.NotNull(line);
        }
        while (line != text);
    }

    [Fact]
    public async Task Well_behaved_clients_keep_talking_while_hostile_ones_are_cut_off_or_contained()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "relay");
        await using var _ = server;
        using var alice = await LineClient.ConnectAsync(port);
        using var bob = await LineClient.ConnectAsync(port);
        await server.WaitForLineAsync("#2 .*connected", stderr: true);
        await ExchangeAsync(alice, bob, "hello bob");
        var baseline = server.ResidentBytes();

        // 1. A line without end: past 64 KiB it is refused and the sender cut off.
        using var endless = await LineClient.ConnectAsync(port);
        var chunk = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));
        for (var i = 0; i < 8; i++)
        {
            try
            {
                await endless.SendAsync(chunk);
            }
            catch (SocketException)
            {
                break;
            }
        }

        Assert.True(await endless.IsClosedByServerAsync(Moment), "the endless line was not cut off");
        await ExchangeAsync(bob, alice, "still here after the endless line");

        // 2. Invalid UTF-8 and NUL-free garbage: the sender is told, nobody else sees it.
        using var garbler = await LineClient.ConnectAsync(port);
        await garbler.SendAsync([0xC3, 0x28, 0xFF, (byte)'\n']);
        Assert.StartsWith("error: line is not valid UTF-8", await garbler.ReadLineAsync(Moment));
        await ExchangeAsync(alice, bob, "after the garbage");

        // 3. A client that never reads while 64 MB flows past it: it is dropped, the readers get every line.
        using var sleeper = await LineClient.ConnectAsync(port);
        sleeper.Socket.ReceiveBufferSize = 4096;
        await server.WaitForLineAsync("#5 .*connected", stderr: true);
        var line = new string('z', 1000);
        var bobReads = Task.Run(async () =>
        {
            for (var i = 0; i < 64_000; i++)
            {
                Assert.Equal($"{i} {line}", await bob.ReadLineAsync(Moment));
            }
        });
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 64_000; i++)
            {
                await alice.SendAsync($"{i} {line}\n");
                // A well-behaved sender: never more than ~500 lines ahead of the slowest well-behaved reader.
                // (An unpaced flood would rightly get a slow reader dropped too.)
                while (i - bob.LinesRead > 500)
                {
                    await Task.Delay(1);
                }
            }
        });
        await Task.WhenAll(bobReads, sending).WaitAsync(TimeSpan.FromSeconds(120));
        await server.WaitForLineAsync("dropped .*not reading", stderr: true);
        Assert.True(await sleeper.IsClosedByServerAsync(Moment), "the sleeper was not dropped");
        await ExchangeAsync(bob, alice, "the end");

        // Bounded memory: 64 MB went through, the server grew by far less.
        var growth = server.ResidentBytes() - baseline;
        Assert.True(growth < 48L * 1024 * 1024, $"server memory grew by {growth / 1024 / 1024} MiB");
        Assert.False(server.HasExited);
    }
}
