using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Transport;

/// <summary>One behaviour suite, run over TCP, TLS and Unix sockets by the subclasses.</summary>
public abstract partial class ConnectionBehaviourTests
{
    protected abstract ListenerOptions ListenerOptions();

    // With the test timeout as the connect timeout: the library's 3 s covers the TLS handshake, which a loaded
    // machine can take longer over (the first one in a process compiles the TLS code); speed is not checked here.
    protected abstract ClientOptions ClientOptions();

    protected abstract TransportKind Kind { get; }

    protected virtual Task<SwitchboardConnection> ConnectAsync(SwitchboardListener listener, ClientOptions? options = null, EventHandler<ConnectionStateChangedEventArgs>? observer = null)
        => listener.BoundEndPoint switch
        {
            IPEndPoint ip => SwitchboardConnection.ConnectTcpAsync(ip.Address.ToString(), ip.Port, options ?? ClientOptions(), observer, TestTimeout.Token()),
            var unix => SwitchboardConnection.ConnectUnixAsync(unix.ToString()!, options ?? ClientOptions(), observer, TestTimeout.Token()),
        };

    private static async Task EchoAsync(SwitchboardConnection connection, CancellationToken shutdown)
    {
        var input = connection.Input;
        while (true)
        {
            var result = await input.ReadAsync(shutdown);
            foreach (var segment in result.Buffer)
            {
                await connection.SendAsync(segment, shutdown);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader input)
    {
        var all = new ArrayBufferWriter<byte>();
        var token = TestTimeout.Token();
        while (true)
        {
            var result = await input.ReadAsync(token);
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.WrittenSpan.ToArray();
            }
        }
    }

    [Fact]
    public async Task Lines_flow_both_ways_with_utf8_intact()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), async (c, ct) =>
        {
            await foreach (var line in c.ReadLinesAsync(cancellationToken: ct))
            {
                await c.SendAsync(LineWriter.Lf, $"you said: {line}", ct);
            }
        });
        await using var client = await ConnectAsync(listener);
        Assert.Equal(Kind, client.TransportKind);
        await client.SendAsync(LineWriter.Crlf, "grüße 𝄞 ✓");
        await foreach (var line in client.ReadLinesAsync(cancellationToken: TestTimeout.Token()))
        {
            Assert.Equal("you said: grüße 𝄞 ✓", line);
            break;
        }
    }

    [Fact]
    public async Task Megabytes_of_random_bytes_echo_back_unchanged()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), EchoAsync);
        await using var client = await ConnectAsync(listener);
        var data = new byte[4 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(data);
        var reading = ReadToEndAsync(client.Input);
        for (var offset = 0; offset < data.Length; offset += 100_000)
        {
            await client.SendAsync(data.AsMemory(offset, Math.Min(100_000, data.Length - offset)));
        }

        await client.CloseAsync();
        var echoed = await reading.Within();
        Assert.True(data.AsSpan().SequenceEqual(echoed), "the echo differs from what was sent");
        Assert.Equal(data.Length, client.BytesSent);
        Assert.Equal(data.Length, client.BytesReceived);
    }

    [Fact]
    public async Task Graceful_close_delivers_everything_queued_then_the_end_of_stream()
    {
        var payload = new byte[2 * 1024 * 1024];
        Random.Shared.NextBytes(payload);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), async (c, ct) =>
        {
            await c.SendAsync(payload, ct);
            await c.CloseAsync("done");
        });
        await using var client = await ConnectAsync(listener);
        var received = await ReadToEndAsync(client.Input).Within();
        Assert.True(payload.AsSpan().SequenceEqual(received));
    }

    [Fact]
    public async Task Abort_ends_the_peer_at_once_and_records_the_reason()
    {
        var serverSide = new TaskCompletionSource<SwitchboardConnection>();
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), async (c, ct) =>
        {
            serverSide.SetResult(c);
            await Task.Delay(Timeout.Infinite, c.Closed).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var client = await ConnectAsync(listener);
        var server = await serverSide.Task.Within();
        server.Abort("test abort");
        Assert.Equal(ConnectionState.Closed, server.State);
        Assert.Equal("test abort", server.CloseReason);
        var error = await Record.ExceptionAsync(() => ReadToEndAsync(client.Input).Within());
        if (Kind != TransportKind.Unix)
        {
            // Linger 0 turns the close into a TCP reset, which the reader sees as an error, not a clean end.
            Assert.NotNull(error);
            Assert.IsNotType<TimeoutException>(error);
        }
    }

    [Fact]
    public async Task Closing_after_the_peer_has_reset_the_connection_does_not_throw()
    {
        // The server resets only once it has read the client's first byte, so the client's connect (and TLS
        // handshake) has surely completed: a reset that races the connect is ConnectError.Reset, tested apart.
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), async (c, ct) =>
        {
            await c.Input.ReadAsync(ct);
            c.Abort("gone after the first byte");
        });
        var client = await ConnectAsync(listener);
        await client.SendAsync("x"u8.ToArray());
        await Record.ExceptionAsync(() => ReadToEndAsync(client.Input).Within());
        // Whatever the transport says about the dead peer (for TLS, OpenSSL's own exception type), a close is
        // still a close: it must not throw at the caller.
        await client.SendAsync("too late\n"u8.ToArray());
        await client.CloseAsync("test");
        await client.DisposeAsync();
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task The_client_goes_through_its_states_and_counts_what_it_sends()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), EchoAsync);
        var states = new List<ConnectionState>();
        var client = await ConnectAsync(listener, observer: (_, e) => { lock (states) { states.Add(e.NewState); } });
        await client.SendAsync(LineWriter.Lf, "one");
        await client.SendAsync(LineWriter.Lf, "two");
        var reader = client.CreateReader(new LineReader());
        Assert.Equal("one", Encoding.UTF8.GetString((await reader.ReadAsync(TestTimeout.Token())).Message));
        Assert.Equal("two", Encoding.UTF8.GetString((await reader.ReadAsync(TestTimeout.Token())).Message));
        Assert.Equal(2, client.MessagesSent);
        Assert.Equal(2, client.MessagesReceived);
        await client.DisposeAsync();
        lock (states)
        {
            var expectedStart = Kind == TransportKind.Unix
                ? new[] { ConnectionState.Connecting, ConnectionState.Connected }
                : [ConnectionState.HostLookup, ConnectionState.Connecting, ConnectionState.Connected];
            Assert.Equal(expectedStart, states.Take(expectedStart.Length));
            Assert.Equal(ConnectionState.Closed, states[^1]);
            Assert.Contains(ConnectionState.Closing, states);
        }
    }

    [Fact]
    public async Task Fail_fast_send_refuses_once_a_non_reading_peer_has_filled_the_buffer()
    {
        var options = ListenerOptions();
        options.Connection = new ConnectionOptions { MaxOutboundBufferSize = 64 * 1024, Backpressure = BackpressureMode.FailFast };
        var outcome = new TaskCompletionSource<(long Accepted, OutboundBufferFullException? Error)>();
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) =>
        {
            var chunk = new byte[8 * 1024];
            long accepted = 0;
            OutboundBufferFullException? error = null;
            // Bounded: the kernel buffers plus ours cannot take 256 MiB from a peer that never reads.
            while (accepted < 256L * 1024 * 1024 && error is null)
            {
                try
                {
                    await c.SendAsync(chunk, ct);
                    accepted += chunk.Length;
                }
                catch (OutboundBufferFullException ex)
                {
                    error = ex;
                }

                if (accepted % (256 * 1024) == 0)
                {
                    await Task.Delay(5, ct);
                }
            }

            outcome.SetResult((accepted, error));
        });
        await using var client = await ConnectAsync(listener);
        var (accepted, sendError) = await outcome.Task.Within();
        Assert.True(accepted < 256L * 1024 * 1024, "the buffer never filled");
        Assert.NotNull(sendError);
        // The limit is soft by at most one message: a send is taken while the buffer is below the limit.
        Assert.InRange(sendError.QueuedBytes, 64 * 1024, 64 * 1024 + 8 * 1024);
    }

    [Fact]
    public async Task Waiting_send_holds_back_until_the_peer_reads_and_loses_nothing()
    {
        var options = ListenerOptions();
        options.Connection = new ConnectionOptions { MaxOutboundBufferSize = 32 * 1024 };
        const int total = 8 * 1024 * 1024;
        long maxQueued = 0;
        var serverSide = new TaskCompletionSource<SwitchboardConnection>();
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) =>
        {
            serverSide.SetResult(c);
            var chunk = new byte[4096];
            for (var sent = 0; sent < total; sent += chunk.Length)
            {
                chunk.AsSpan().Fill((byte)(sent / chunk.Length));
                await c.SendAsync(chunk, ct);
                maxQueued = Math.Max(maxQueued, c.QueuedBytes);
            }

            await c.CloseAsync();
        });
        await using var client = await ConnectAsync(listener);
        var server = await serverSide.Task.Within();
        // The sender stalls with the buffer full: it has sent far less than the total.
        await TestTimeout.UntilAsync(() => server.QueuedBytes >= 32 * 1024, "the outbound buffer fills");
        Assert.True(server.BytesSent < total);
        var received = await ReadToEndAsync(client.Input).Within();
        Assert.Equal(total, received.Length);
        for (var i = 0; i < total; i += 4096)
        {
            Assert.Equal((byte)(i / 4096), received[i]);
        }

        Assert.InRange(maxQueued, 0, 32 * 1024 + 4096);
    }

    [Fact]
    public async Task An_idle_connection_is_closed_with_a_reason()
    {
        var options = ListenerOptions();
        options.Connection = new ConnectionOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) };
        var closed = new TaskCompletionSource<string?>();
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) =>
        {
            try
            {
                await c.Input.ReadAsync(c.Closed);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
            {
                // The abort tears the transport down before it cancels Closed, so the pending read may end
                // either way; what matters is why the connection closed.
            }

            closed.SetResult(c.CloseReason);
        });
        await using var client = await ConnectAsync(listener);
        Assert.StartsWith("idle timeout", await closed.Task.Within());
    }

    [Fact]
    public async Task Connections_over_the_limit_are_turned_away_with_a_message()
    {
        var options = ListenerOptions();
        options.MaxConnections = 1;
        options.RejectMessage = "full\n"u8.ToArray();
        await using var listener = await SwitchboardListener.StartAsync(options, EchoAsync);
        await using var first = await ConnectAsync(listener);
        await first.SendAsync("ping\n"u8.ToArray());
        var firstReader = first.CreateReader(new LineReader());
        Assert.Equal("ping", Encoding.UTF8.GetString((await firstReader.ReadAsync(TestTimeout.Token())).Message));
        await using var second = await ConnectAsync(listener);
        Assert.Equal("full\n", Encoding.UTF8.GetString(await ReadToEndAsync(second.Input).Within()));
        Assert.Equal(1, listener.Connections.Count);
    }

    [Fact]
    public async Task Stop_listening_refuses_new_clients_and_keeps_the_live_ones()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions(), EchoAsync);
        await using var live = await ConnectAsync(listener);
        await TestTimeout.UntilAsync(() => listener.Connections.Count == 1, "the live client is registered");
        await listener.StopListeningAsync();
        Assert.False(listener.IsListening);
        var turnedAway = await Record.ExceptionAsync(async () =>
        {
            // Refused outright (a Unix path is gone) or accepted by the kernel and closed without service.
            await using var late = await ConnectAsync(listener);
            await late.SendAsync("anyone?\n"u8.ToArray());
            Assert.Empty(await ReadToEndAsync(late.Input).Within());
        });
        Assert.True(turnedAway is null or ConnectException or IOException, $"unexpected: {turnedAway}");
        await live.SendAsync("still here\n"u8.ToArray());
        var reader = live.CreateReader(new LineReader());
        Assert.Equal("still here", Encoding.UTF8.GetString((await reader.ReadAsync(TestTimeout.Token())).Message));
    }

    [Fact]
    public async Task Graceful_shutdown_lets_handlers_say_goodbye_then_drains()
    {
        var listener = await SwitchboardListener.StartAsync(ListenerOptions(), async (c, shutdown) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, shutdown);
            }
            catch (OperationCanceledException)
            {
            }

            await c.SendAsync(LineWriter.Lf, "server shutting down", CancellationToken.None);
        });
        await using var client = await ConnectAsync(listener);
        await TestTimeout.UntilAsync(() => listener.Connections.Count == 1, "the server registers the client");
        var shutdown = listener.DisposeAsync().AsTask();
        Assert.Equal("server shutting down\n", Encoding.UTF8.GetString(await ReadToEndAsync(client.Input).Within()));
        await shutdown.Within();
    }

    [Fact]
    public async Task Broadcast_drops_a_peer_that_never_reads_while_readers_get_everything()
    {
        var options = ListenerOptions();
        // A broadcast drops at the slow-consumer hard limit (the soft one with its grace time is SlowConsumerTests').
        options.Connection = new ConnectionOptions { MaxOutboundBufferSize = 16 * 1024, SlowConsumerSoftLimit = 16 * 1024, SlowConsumerHardLimit = 16 * 1024 };
        var accepted = new List<SwitchboardConnection>();
        await using var listener = await SwitchboardListener.StartAsync(options, (c, ct) =>
        {
            lock (accepted)
            {
                accepted.Add(c);
            }

            return Task.Delay(Timeout.Infinite, c.Closed).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        // Wait for each handler, not just the registry: a connection is registered a moment before its handler
        // runs, so with only the count to go on the sleeper's handler could come first and be taken for the reader.
        await using var reader = await ConnectAsync(listener);
        await TestTimeout.UntilAsync(() => { lock (accepted) { return accepted.Count == 1; } }, "the reader's handler runs");
        await using var sleeper = await ConnectAsync(listener);
        await TestTimeout.UntilAsync(() => { lock (accepted) { return accepted.Count == 2; } }, "the sleeper's handler runs");
        var readerOnServer = accepted[0];
        var dropped = new TaskCompletionSource<string>();
        listener.Connections.SlowConsumerDropped += (_, reason) => dropped.TrySetResult(reason);
        var line = Encoding.UTF8.GetBytes(new string('x', 1000) + "\n");
        const int count = 20_000;
        var lines = reader.CreateReader(new LineReader());
        // Pace the broadcast to the reading client, which must never be the one dropped: at most 8 lines are ahead
        // of what it has read. Its server-side queue can hold twice that (the send loop releases a slice only after
        // its flush, which the client may already have read), 16 lines, still under the 16 KiB limit. The reader hands
        // back a credit per line, so the pace is the reader's own; the sleep-and-poll this replaces made the run
        // take most of the timeout.
        using var credits = new SemaphoreSlim(8);
        var readAll = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                var result = await lines.ReadAsync(TestTimeout.Token());
                Assert.False(result.IsCompleted, $"the reader was cut off after {i} lines");
                Assert.Equal(1000, result.Message.Length);
                credits.Release();
            }
        });
        for (var i = 0; i < count; i++)
        {
            Assert.True(await credits.WaitAsync(TestTimeout.Default), $"the reader stopped reading after {i} lines");
            listener.Connections.Broadcast(line);
        }

        await readAll.Within();
        Assert.Contains("not reading", await dropped.Task.Within());
        Assert.Equal(ConnectionState.Closed, accepted[1].State);
        Assert.Equal(ConnectionState.Connected, readerOnServer.State);
    }
}

public sealed class TcpConnectionTests : ConnectionBehaviourTests
{
    protected override TransportKind Kind => TransportKind.Tcp;

    protected override ListenerOptions ListenerOptions() => Net.ListenerOptions.Loopback(0);

    protected override ClientOptions ClientOptions() => new() { ConnectTimeout = TestTimeout.Default };
}

public sealed class TlsConnectionTests : ConnectionBehaviourTests
{
    protected override TransportKind Kind => TransportKind.Tls;

    protected override ListenerOptions ListenerOptions()
    {
        var options = Net.ListenerOptions.Loopback(0);
        options.Certificate = TestCertificates.Server;
        return options;
    }

    protected override ClientOptions ClientOptions() => new() { ConnectTimeout = TestTimeout.Default, Tls = new ClientTlsOptions { CaFile = TestCertificates.ServerPemPath } };
}

public sealed class UnixConnectionTests : ConnectionBehaviourTests
{
    protected override TransportKind Kind => TransportKind.Unix;

    protected override ListenerOptions ListenerOptions()
        => Net.ListenerOptions.Unix(Path.Combine(Path.GetTempPath(), $"sb-{Guid.NewGuid():N}.sock"));

    protected override ClientOptions ClientOptions() => new() { ConnectTimeout = TestTimeout.Default };
}

public sealed class ListenerAddressTests
{
    [Fact]
    public async Task Stop_listening_releases_the_port_once_no_connection_remains()
    {
        var listener = await SwitchboardListener.StartAsync(Net.ListenerOptions.Loopback(0), (c, ct) => Task.CompletedTask);
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        await listener.StopListeningAsync();
        var error = await Assert.ThrowsAsync<ConnectException>(() => SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, cancellationToken: TestTimeout.Token()));
        Assert.Equal(ConnectError.Refused, error.Error);
        await listener.DisposeAsync();
    }

    [Fact]
    public async Task Port_0_listens_again_after_its_port_was_released()
    {
        await using var listener = await SwitchboardListener.StartAsync(Net.ListenerOptions.Loopback(0), (c, ct) => c.SendAsync("hi\n"u8.ToArray(), ct).AsTask());
        await listener.StopListeningAsync();
        Assert.Equal(ListenerState.Stopped, listener.State);
        await listener.StartListeningAsync(TestTimeout.Token());
        // Usually the same port again, but a new one when someone took it meanwhile: only service is asserted.
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        Assert.NotEqual(0, port);
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, cancellationToken: TestTimeout.Token());
        var reader = client.CreateReader(new LineReader());
        Assert.Equal("hi", Encoding.UTF8.GetString((await reader.ReadAsync(TestTimeout.Token())).Message));
    }
}
