using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net.Tests.Transport;

public sealed class ConnectErrorTests
{
    private static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task A_closed_port_is_refused()
    {
        var port = ClosedPort();
        var error = await Assert.ThrowsAsync<ConnectException>(() => SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, cancellationToken: TestTimeout.Token()));
        Assert.Equal(ConnectError.Refused, error.Error);
        Assert.Contains("refused", error.Message);
    }

    [Theory]
    [InlineData(SocketError.ConnectionReset, ConnectError.Reset, "reset by 127.0.0.1:9 while connecting")]
    [InlineData(SocketError.ConnectionRefused, ConnectError.Refused, "refused by 127.0.0.1:9")]
    [InlineData(SocketError.TimedOut, ConnectError.TimedOut, "timed out")]
    [InlineData(SocketError.HostUnreachable, ConnectError.Unreachable, "unreachable")]
    [InlineData(SocketError.AccessDenied, ConnectError.Other, "cannot connect to 127.0.0.1:9")]
    public void A_socket_error_during_connect_becomes_its_own_connect_error(SocketError socketError, ConnectError expected, string message)
    {
        // A reset that races the connect (the server accepts and drops at once) cannot be produced on demand over
        // loopback, so the translation itself is checked here; the transports call nothing else.
        var error = ConnectFailure.From(new SocketException((int)socketError), "127.0.0.1:9");
        Assert.Equal(expected, error.Error);
        Assert.Contains(message, error.Message);
        Assert.IsType<SocketException>(error.InnerException);
    }

    [Fact]
    public async Task An_untrusted_certificate_is_a_tls_failure_that_names_the_certificate()
    {
        var options = ListenerOptions.Loopback(0);
        options.Certificate = TestCertificates.Server;
        await using var listener = await SwitchboardListener.StartAsync(options, (c, ct) => Task.Delay(1000, ct));
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        // No CA file: the system store does not know our self-signed test certificate.
        var error = await Assert.ThrowsAsync<ConnectException>(() => SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, new ClientOptions { ConnectTimeout = TestTimeout.Default, Tls = new ClientTlsOptions() }, cancellationToken: TestTimeout.Token()));
        Assert.Equal(ConnectError.TlsFailure, error.Error);
        Assert.Contains("certificate", error.Message);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_rejected_even_with_its_ca()
    {
        var options = ListenerOptions.Loopback(0);
        options.Certificate = TestCertificates.Server;
        await using var listener = await SwitchboardListener.StartAsync(options, (c, ct) => Task.Delay(1000, ct));
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        var tls = new ClientTlsOptions { CaFile = TestCertificates.ServerPemPath, ServerName = "other.example" };
        var error = await Assert.ThrowsAsync<ConnectException>(() => SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, new ClientOptions { ConnectTimeout = TestTimeout.Default, Tls = tls }, cancellationToken: TestTimeout.Token()));
        Assert.Equal(ConnectError.TlsFailure, error.Error);
        Assert.Contains("does not match", error.Message);
    }

    [Fact]
    public async Task Insecure_accepts_an_untrusted_certificate()
    {
        var options = ListenerOptions.Loopback(0);
        options.Certificate = TestCertificates.Server;
        await using var listener = await SwitchboardListener.StartAsync(options, (c, ct) => Task.Delay(1000, ct));
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        await using var connection = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, new ClientOptions { ConnectTimeout = TestTimeout.Default, Tls = new ClientTlsOptions { Insecure = true } }, cancellationToken: TestTimeout.Token());
        Assert.Equal(TransportKind.Tls, connection.TransportKind);
    }

    [Fact]
    public async Task A_server_that_never_answers_the_handshake_times_out()
    {
        // A plain TCP listener that never speaks: the TLS handshake cannot finish.
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), (c, ct) => Task.Delay(Timeout.Infinite, c.Closed).ContinueWith(_ => { }, TaskScheduler.Default));
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        var options = new ClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300), Tls = new ClientTlsOptions { Insecure = true } };
        var error = await Assert.ThrowsAsync<ConnectException>(() => SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, options, cancellationToken: TestTimeout.Token()));
        Assert.Equal(ConnectError.TimedOut, error.Error);
        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task A_missing_unix_socket_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sb-missing-{Guid.NewGuid():N}.sock");
        var error = await Assert.ThrowsAsync<ConnectException>(() => SwitchboardConnection.ConnectUnixAsync(path, cancellationToken: TestTimeout.Token()));
        Assert.Contains(path, error.Message);
        Assert.True(error.Error is ConnectError.PathNotFound or ConnectError.Refused);
    }

    [Fact]
    public async Task Cancellation_is_not_mistaken_for_a_timeout()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SwitchboardConnection.ConnectTcpAsync("127.0.0.1", 1, cancellationToken: cts.Token));
    }
}

public sealed class UnixSocketFileTests
{
    [Fact]
    public async Task A_stale_socket_file_is_replaced()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sb-stale-{Guid.NewGuid():N}.sock");
        // A crashed server leaves its socket file behind. .NET unlinks the path it bound on dispose, so the socket
        // is bound elsewhere and renamed into place: once it is closed, nobody accepts on that file. (A python3
        // child process made the leftover before; under CI load its start-up alone took over 10 s.)
        var bound = path + ".bind";
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(bound));
            dead.Listen(1);
            File.Move(bound, path);
        }

        Assert.True(File.Exists(path));
        Assert.False(File.Exists(bound));
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Unix(path), (c, ct) => c.SendAsync("hi\n"u8.ToArray(), ct).AsTask());
        await using var client = await SwitchboardConnection.ConnectUnixAsync(path, cancellationToken: TestTimeout.Token());
        var result = await client.Input.ReadAtLeastAsync(3, TestTimeout.Token());
        Assert.Equal("hi\n"u8.ToArray(), result.Buffer.Slice(0, 3).ToArray());
    }

    [Fact]
    public async Task A_live_server_keeps_its_path_and_the_newcomer_gets_a_clear_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sb-live-{Guid.NewGuid():N}.sock");
        await using var first = await SwitchboardListener.StartAsync(ListenerOptions.Unix(path), (c, ct) => c.SendAsync("first\n"u8.ToArray(), ct).AsTask());
        var error = await Assert.ThrowsAsync<IOException>(() => SwitchboardListener.StartAsync(ListenerOptions.Unix(path), (c, ct) => Task.CompletedTask));
        Assert.Contains("another server is listening", error.Message);
        await using var client = await SwitchboardConnection.ConnectUnixAsync(path, cancellationToken: TestTimeout.Token());
        var result = await client.Input.ReadAtLeastAsync(6, TestTimeout.Token());
        Assert.Equal("first\n"u8.ToArray(), result.Buffer.Slice(0, 6).ToArray());
    }

    [Fact]
    public async Task A_regular_file_at_the_path_is_an_error_naming_it_and_is_never_deleted()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sb-file-{Guid.NewGuid():N}.sock");
        await File.WriteAllTextAsync(path, "someone's data");
        try
        {
            var error = await Assert.ThrowsAsync<IOException>(() => SwitchboardListener.StartAsync(ListenerOptions.Unix(path), (c, ct) => Task.CompletedTask));
            Assert.Contains(path, error.Message);
            Assert.Contains("not a socket", error.Message);
            Assert.Equal("someone's data", await File.ReadAllTextAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_symbolic_link_to_a_stale_socket_is_not_taken_for_one()
    {
        var target = Path.Combine(Path.GetTempPath(), $"sb-target-{Guid.NewGuid():N}.sock");
        var link = Path.Combine(Path.GetTempPath(), $"sb-link-{Guid.NewGuid():N}.sock");
        using (var python = System.Diagnostics.Process.Start("python3", ["-c", $"import socket; s = socket.socket(socket.AF_UNIX); s.bind('{target}'); s.listen(1)"]))
        {
            Assert.True(python.WaitForExit(30_000), "python3 did not finish");
        }

        File.CreateSymbolicLink(link, target);
        try
        {
            var error = await Assert.ThrowsAsync<IOException>(() => SwitchboardListener.StartAsync(ListenerOptions.Unix(link), (c, ct) => Task.CompletedTask));
            Assert.Contains(link, error.Message);
            Assert.True(File.Exists(link) || new FileInfo(link).LinkTarget is not null, "the link was deleted");
            Assert.True(File.Exists(target), "the link's target was deleted");
        }
        finally
        {
            File.Delete(link);
            File.Delete(target);
        }
    }

    [Fact]
    public async Task A_tcp_port_in_use_gives_a_clear_error()
    {
        await using var first = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), (c, ct) => Task.CompletedTask);
        var port = ((IPEndPoint)first.BoundEndPoint).Port;
        var error = await Assert.ThrowsAsync<IOException>(() => SwitchboardListener.StartAsync(ListenerOptions.Loopback(port), (c, ct) => Task.CompletedTask));
        Assert.Contains("in use", error.Message);
    }
}

public sealed class UdpEndpointTests
{
    [Fact]
    public async Task Datagrams_arrive_with_their_sender_and_replies_find_their_way_back()
    {
        using var server = UdpEndpoint.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = UdpEndpoint.ForRemote(server.LocalEndPoint);
        await client.SendToAsync("ping ✓"u8.ToArray(), server.LocalEndPoint, TestTimeout.Token());
        var received = await server.ReceiveAsync(TestTimeout.Token());
        Assert.Equal("ping ✓"u8.ToArray(), received.Data.ToArray());
        Assert.Equal(client.LocalEndPoint.Port, received.RemoteEndPoint.Port);
        await server.SendToAsync("pong"u8.ToArray(), received.RemoteEndPoint, TestTimeout.Token());
        var reply = await client.ReceiveAsync(TestTimeout.Token());
        Assert.Equal("pong"u8.ToArray(), reply.Data.ToArray());
        Assert.Equal(1, server.DatagramsReceived);
        Assert.Equal(1, client.DatagramsReceived);
    }

    [Fact]
    public async Task An_oversized_datagram_is_refused_before_sending()
    {
        using var client = UdpEndpoint.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await Assert.ThrowsAsync<ArgumentException>(async () => await client.SendToAsync(new byte[70_000], client.LocalEndPoint));
    }
}
