using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Switchboard.Net.Tests.Transport;

/// <summary>
/// The slow-consumer policy of never-waiting sends (broadcasts): a reader that lags past the soft limit for a while
/// and catches up is kept, one past the soft limit for the soft-limit time or at the hard limit is dropped.
/// Clients are raw sockets with a small receive buffer, so what they do not read queues on the server soon.
/// </summary>
public sealed class SlowConsumerTests
{
    private const int Soft = 64 * 1024;
    private static readonly byte[] Chunk = new byte[16 * 1024];

    private sealed class Server : IAsyncDisposable
    {
        private readonly Channel<SwitchboardConnection> _accepted = Channel.CreateUnbounded<SwitchboardConnection>();
        private readonly List<Socket> _clients = [];
        private SwitchboardListener? _listener;

        public ConnectionRegistry Registry => _listener!.Connections;

        public List<string> Dropped { get; } = [];

        public static async Task<Server> StartAsync(ConnectionOptions connection)
        {
            var server = new Server();
            var options = ListenerOptions.Loopback(0);
            options.Connection = connection;
            server._listener = await SwitchboardListener.StartAsync(options, async (c, ct) =>
            {
                server._accepted.Writer.TryWrite(c);
                await Task.Delay(Timeout.Infinite, c.Closed).ContinueWith(_ => { }, TaskScheduler.Default);
            });
            server.Registry.SlowConsumerDropped += (_, reason) =>
            {
                lock (server.Dropped)
                {
                    server.Dropped.Add(reason);
                }
            };
            return server;
        }

        /// <summary>Connects a client that reads nothing until told, and returns it with its server side.</summary>
        public async Task<(Socket Client, SwitchboardConnection OnServer)> ConnectAsync()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            _clients.Add(socket);
            await socket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener!.BoundEndPoint).Port);
            var onServer = await _accepted.Reader.ReadAsync(TestTimeout.Token());
            return (socket, onServer);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            await _listener!.DisposeAsync();
        }
    }

    /// <summary>
    /// Sends to one connection until its queue is well past the soft limit (bounded: 64 MiB at most). Well past:
    /// the socket's own send buffer (up to 4 MiB on Linux) goes on taking from the queue for a while, and the
    /// queue must stay past the limit when it has.
    /// </summary>
    private static void FillPastSoftLimit(Server server, SwitchboardConnection connection)
    {
        const int target = Soft + (8 << 20);
        for (var i = 0; i < 4096 && connection.QueuedBytes < target; i++)
        {
            Assert.True(server.Registry.TrySendOrDrop(connection, Chunk), $"dropped while filling: {string.Join("; ", server.Dropped)}");
        }

        Assert.True(connection.IsOverSoftLimit, $"the queue never passed the soft limit ({connection.QueuedBytes} bytes queued)");
    }

    private static Task ReadForeverAsync(Socket socket) => Task.Run(async () =>
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    });

    [Fact]
    public async Task A_reader_that_lags_past_the_soft_limit_and_catches_up_is_kept()
    {
        // The buffer's own limit is the soft limit here: a broadcast queues past it (the old rule dropped at it).
        await using var server = await Server.StartAsync(new ConnectionOptions { MaxOutboundBufferSize = Soft, SlowConsumerSoftLimit = Soft, SlowConsumerSoftLimitTime = TimeSpan.FromMinutes(5), SlowConsumerHardLimit = 64 << 20 });
        var (lagger, onServer) = await server.ConnectAsync();
        FillPastSoftLimit(server, onServer);
        for (var i = 0; i < 8; i++)
        {
            Assert.True(server.Registry.TrySendOrDrop(onServer, Chunk));
        }

        Assert.True(onServer.QueuedBytes > Soft, $"{onServer.QueuedBytes} bytes queued");
        var waiting = server.Registry.WaitForSlowConsumersAsync(null, TestTimeout.Token()).AsTask();
        Assert.False(waiting.IsCompleted, "the relay must hold its sender while a reader is past the soft limit");

        // The reader catches up: the sender may go on, and nobody was dropped.
        var reading = ReadForeverAsync(lagger);
        await waiting.Within();
        Assert.False(onServer.IsOverSoftLimit);
        Assert.Equal(ConnectionState.Connected, onServer.State);
        Assert.True(server.Registry.TrySendOrDrop(onServer, Chunk));
        Assert.Empty(server.Dropped);
        lagger.Shutdown(SocketShutdown.Both);
        await reading.Within();
    }

    [Fact]
    public async Task A_reader_at_the_hard_limit_is_dropped_at_once()
    {
        const int hard = 512 * 1024;
        await using var server = await Server.StartAsync(new ConnectionOptions { SlowConsumerSoftLimit = Soft, SlowConsumerSoftLimitTime = TimeSpan.FromHours(1), SlowConsumerHardLimit = hard });
        var (_, onServer) = await server.ConnectAsync();
        var peak = 0L;
        var refused = false;
        for (var i = 0; i < 4096 && !refused; i++)
        {
            peak = Math.Max(peak, onServer.QueuedBytes);
            refused = !server.Registry.TrySendOrDrop(onServer, Chunk);
        }

        Assert.True(refused, $"never dropped ({onServer.QueuedBytes} bytes queued)");
        Assert.True(peak < hard + Chunk.Length, $"{peak} bytes were queued");
        Assert.Equal(ConnectionState.Closed, onServer.State);
        var reason = Assert.Single(server.Dropped);
        Assert.Contains("hard limit", reason, StringComparison.Ordinal);
        Assert.Contains("not reading", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_past_the_soft_limit_for_the_soft_limit_time_is_dropped_and_a_reader_that_reads_is_not()
    {
        await using var server = await Server.StartAsync(new ConnectionOptions { SlowConsumerSoftLimit = Soft, SlowConsumerSoftLimitTime = TimeSpan.FromSeconds(1), SlowConsumerHardLimit = 1 << 30 });
        var (reader, readerOnServer) = await server.ConnectAsync();
        var reading = ReadForeverAsync(reader);
        var (_, sleeper) = await server.ConnectAsync();
        var (_, sleeper2) = await server.ConnectAsync();
        FillPastSoftLimit(server, sleeper);
        FillPastSoftLimit(server, sleeper2);

        // The relay's way: waiting for the sleeper ends with the sleeper dropped once its time is up.
        await server.Registry.WaitForSlowConsumersAsync(readerOnServer, TestTimeout.Token()).AsTask().Within();
        Assert.Equal(ConnectionState.Closed, sleeper.State);
        Assert.Equal(ConnectionState.Closed, sleeper2.State);
        Assert.Equal(2, server.Dropped.Count);
        Assert.All(server.Dropped, r => Assert.Contains("soft limit", r, StringComparison.Ordinal));

        // The broadcast's way: the first broadcast after the time is up drops a sleeper; the reader gets it all.
        var (_, sleeper3) = await server.ConnectAsync();
        FillPastSoftLimit(server, sleeper3);
        await TestTimeout.UntilAsync(() => server.Registry.Broadcast(Chunk) == 1, "a broadcast drops the third sleeper");
        Assert.Equal(ConnectionState.Closed, sleeper3.State);
        Assert.Equal(ConnectionState.Connected, readerOnServer.State);
        Assert.Equal(3, server.Dropped.Count);
        reader.Shutdown(SocketShutdown.Both);
        await reading.Within();
    }

    [Fact]
    public async Task Limits_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionOptions { SlowConsumerSoftLimit = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionOptions { SlowConsumerHardLimit = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionOptions { SlowConsumerSoftLimitTime = TimeSpan.Zero });
        var options = ListenerOptions.Loopback(0);
        options.Connection = new ConnectionOptions { SlowConsumerSoftLimit = 1 << 20, SlowConsumerHardLimit = 1 << 10 };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SwitchboardListener.StartAsync(options, (_, _) => Task.CompletedTask));
        Assert.Contains("below the soft limit", error.Message, StringComparison.Ordinal);
    }
}
