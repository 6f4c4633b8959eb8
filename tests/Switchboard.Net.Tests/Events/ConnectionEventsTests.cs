using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Net.Framing;
using Switchboard.Net.Qt.Fortune;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Events;

/// <summary>The event-style API (Qt signals) and the blocking waits, over real loopback sockets.</summary>
public sealed class ConnectionEventsTests
{
    private static readonly TimeSpan Long = TestTimeout.Default;

    [Fact]
    public async Task A_client_raises_connected_bytes_written_data_received_and_disconnected_in_order()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            var result = await c.Input.ReadAsync(ct);
            await c.SendAsync(result.Buffer, ct);
            c.Input.AdvanceTo(result.Buffer.End);
        });
        var events = new ConcurrentQueue<string>();
        var received = new StringBuilder();
        var written = 0L;
        await using var client = SwitchboardConnection.CreateClient();
        client.Connected += (_, _) => events.Enqueue("connected");
        client.BytesWritten += (_, e) => Interlocked.Add(ref written, e.Count);
        client.DataReceived += (_, e) =>
        {
            lock (received)
            {
                received.Append(Encoding.UTF8.GetString(e.Data));
            }
        };
        client.Disconnected += (_, e) => events.Enqueue("disconnected: " + e.Reason);
        client.ErrorOccurred += (_, e) => events.Enqueue("error: " + e.Message);

        client.ConnectToHost("127.0.0.1", Port(listener));
        Assert.True(client.WaitForConnected(Long));
        var loop = client.StartReading();
        await client.SendAsync("hello\n"u8.ToArray());
        Assert.True(client.WaitForBytesWritten(Long));
        Assert.True(client.WaitForDisconnected(Long));
        await loop.Within();

        Assert.Equal(6, Interlocked.Read(ref written));
        Assert.Equal("hello\n", received.ToString());
        Assert.Equal(["connected", "disconnected: closed by peer"], events);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task A_refused_connect_raises_a_typed_error_and_wait_for_connected_is_false()
    {
        // Bound and not listening: the kernel answers a connect with a reset, as a closed port does.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        var errors = new ConcurrentQueue<ConnectionErrorEventArgs>();
        var connected = 0;
        var disconnected = 0;
        await using var client = SwitchboardConnection.CreateClient();
        client.ErrorOccurred += (_, e) => errors.Enqueue(e);
        client.Connected += (_, _) => connected++;
        client.Disconnected += (_, _) => disconnected++;

        client.ConnectToHost("127.0.0.1", port);

        Assert.False(client.WaitForConnected(Long));
        // Known on return, as Qt's errorString() is after waitForConnected: no waiting for the event here.
        var error = Assert.Single(errors);
        Assert.Equal(ConnectionErrorKind.ConnectFailed, error.Kind);
        Assert.Equal(ConnectError.Refused, error.ConnectError);
        Assert.Equal(0, connected);
        // Never connected, so never disconnected (as Qt emits no disconnected for a failed connect).
        Assert.Equal(0, disconnected);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectToHostAsync("127.0.0.1", port));
    }

    [Fact]
    public async Task Bytes_left_unconsumed_by_a_data_handler_come_again_with_the_next_bytes()
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await c.SendAsync("ab"u8.ToArray(), ct);
            await go.Task.WaitAsync(ct);
            await c.SendAsync("cd"u8.ToArray(), ct);
            await c.Input.ReadAsync(ct);
        });
        var seen = new ConcurrentQueue<string>();
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener));
        client.DataReceived += (_, e) =>
        {
            var text = Encoding.ASCII.GetString(e.Data);
            seen.Enqueue(text);
            // A 4-byte message: take nothing until it is whole, as a readyRead handler with a transaction does.
            e.ConsumedBytes = e.Data.Length >= 4 ? 4 : 0;
            go.TrySetResult();
        };
        _ = client.StartReading();
        await TestTimeout.UntilAsync(() => seen.Contains("abcd"), "the whole message arrived");
        Assert.Equal(["ab", "abcd"], seen);
        Assert.Equal(4, client.BytesReceived);
    }

    [Fact]
    public async Task A_server_handler_reads_messages_through_events_and_a_throwing_handler_aborts_with_a_typed_error()
    {
        var lines = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<ConnectionErrorEventArgs>();
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            c.ErrorOccurred += (_, e) => errors.Enqueue(e);
            c.Disconnected += (_, e) => disconnected.TrySetResult(e.Reason);
            await c.StartReading(new LineReader(), (sender, e) =>
            {
                var line = Encoding.UTF8.GetString(e.Message);
                if (line == "boom")
                {
                    throw new InvalidOperationException("cannot handle boom");
                }

                lines.Enqueue(line);
                ((SwitchboardConnection)sender!).TrySend(Encoding.UTF8.GetBytes(line.ToUpperInvariant() + "\n"));
            }, ct);
        });
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener));
        await client.SendAsync(LineWriter.Lf, "one");
        await client.SendAsync(LineWriter.Lf, "two");
        var replies = client.CreateReader(new LineReader());
        Assert.Equal("ONE", Encoding.UTF8.GetString((await replies.ReadAsync(TestTimeout.Token())).Message));
        Assert.Equal("TWO", Encoding.UTF8.GetString((await replies.ReadAsync(TestTimeout.Token())).Message));
        await client.SendAsync(LineWriter.Lf, "boom");

        var reason = await disconnected.Task.Within();
        Assert.Contains("cannot handle boom", reason);
        var error = Assert.Single(errors);
        Assert.Equal(ConnectionErrorKind.HandlerFailed, error.Kind);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Equal(["one", "two"], lines);
        // Aborted: the client sees a reset or the end, never more replies.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var result = await replies.ReadAsync(TestTimeout.Token());
            if (result.IsCompleted)
            {
                throw new EndOfStreamException();
            }
        });
    }

    [Fact]
    public async Task A_peer_reset_is_reported_as_a_reset()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await c.SendAsync("x"u8.ToArray(), ct);
            await c.Input.ReadAsync(ct);
            c.Abort("test reset");
        });
        var errors = new ConcurrentQueue<ConnectionErrorEventArgs>();
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener));
        client.ErrorOccurred += (_, e) => errors.Enqueue(e);
        var firstData = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DataReceived += (_, _) => firstData.TrySetResult();
        var loop = client.StartReading();
        await firstData.Task.Within();
        await client.SendAsync("go"u8.ToArray());
        await loop.Within();

        var error = Assert.Single(errors);
        Assert.Equal(ConnectionErrorKind.Reset, error.Kind);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task Cancelling_the_read_loop_leaves_the_connection_open_for_another_reader()
    {
        var send = new SemaphoreSlim(0);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await send.WaitAsync(ct);
            await c.SendAsync("later\n"u8.ToArray(), ct);
            await c.Input.ReadAsync(ct);
        });
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener));
        using var stop = new CancellationTokenSource();
        var loop = client.StartReading(stop.Token);
        Assert.True(client.IsReading);
        Assert.Throws<InvalidOperationException>(() => { _ = client.StartReading(); });
        await stop.CancelAsync();
        await loop.Within();

        Assert.False(client.IsReading);
        Assert.Equal(ConnectionState.Connected, client.State);
        send.Release();
        await foreach (var line in client.ReadLinesAsync(cancellationToken: TestTimeout.Token()))
        {
            Assert.Equal("later", line);
            break;
        }
    }

    [Fact]
    public async Task Wait_for_ready_read_times_out_then_sees_data_and_a_fortune_is_read_in_pieces()
    {
        var codec = new Qt5FortuneCodec();
        var writer = new ArrayBufferWriter<byte>();
        codec.Write("Some fortune", writer);
        var bytes = writer.WrittenMemory;
        var step = new SemaphoreSlim(0);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await step.WaitAsync(ct);
            await c.SendAsync(bytes[..5], ct);
            await step.WaitAsync(ct);
            await c.SendAsync(bytes[5..], ct);
        });
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener));

        // Nothing was sent yet: the wait ends with false, and the input is still usable afterwards.
        Assert.False(client.WaitForReadyRead(TimeSpan.FromMilliseconds(100)));
        step.Release();
        Assert.True(client.WaitForReadyRead(Long));
        Assert.False(client.TryReadMessage(codec, out _));
        step.Release();
        string? fortune = null;
        while (fortune is null)
        {
            Assert.True(client.WaitForReadyRead(Long));
            if (client.TryReadMessage(codec, out var message))
            {
                fortune = message;
            }
        }

        Assert.Equal("Some fortune", fortune);
        // The server's handler returned: the stream ends, the wait says so and the connection is closed.
        Assert.False(client.WaitForReadyRead(Long));
        Assert.True(client.WaitForDisconnected(Long));
        Assert.Equal(1, client.MessagesReceived);
    }

    [Fact]
    public async Task A_tls_client_raises_encrypted_after_connected()
    {
        var options = ListenerOptions.Loopback(0);
        options.Certificate = TestCertificates.Server;
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) => await c.Input.ReadAsync(ct));
        var events = new ConcurrentQueue<string>();
        await using var client = SwitchboardConnection.CreateClient(new ClientOptions { ConnectTimeout = TestTimeout.Default, Tls = new ClientTlsOptions { CaFile = TestCertificates.ServerPemPath } });
        client.Connected += (_, _) => events.Enqueue("connected");
        client.Encrypted += (_, _) => events.Enqueue("encrypted");
        await client.ConnectToHostAsync("localhost", Port(listener)).Within();
        Assert.Equal(["connected", "encrypted"], events);
        Assert.Equal(TransportKind.Tls, client.TransportKind);
    }

    private static int Port(SwitchboardListener listener) => ((IPEndPoint)listener.BoundEndPoint).Port;
}
