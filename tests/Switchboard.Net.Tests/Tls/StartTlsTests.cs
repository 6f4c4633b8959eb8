using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Switchboard.Net.Framing;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Tls;

/// <summary>
/// STARTTLS between our own client and server: a plain line exchange, then TLS on the same connection, and what
/// happens to bytes that arrive after the STARTTLS line before the handshake.
/// </summary>
public sealed class StartTlsTests
{
    [Fact]
    public async Task A_plain_connection_upgrades_to_tls_on_both_sides_and_the_same_reader_goes_on_reading()
    {
        var serverSaw = new TaskCompletionSource<(TransportKind Kind, SslProtocols? Protocol, string Line)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await StartListenerAsync(async (connection, ct) =>
        {
            var reader = connection.CreateReader(new LineReader());
            await connection.SendAsync(LineWriter.Lf, "hello, say STARTTLS", ct);
            Assert.Equal("STARTTLS", await ReadLineAsync(reader));
            await connection.SendAsync(LineWriter.Lf, "GO", ct);
            await connection.StartServerEncryptionAsync(ct);
            var line = await ReadLineAsync(reader);
            serverSaw.TrySetResult((connection.TransportKind, connection.TlsProtocol, line!));
            await connection.SendAsync(LineWriter.Lf, $"you said {line}", ct);
        });

        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener), new ClientOptions { ConnectTimeout = TestTimeout.Default }, cancellationToken: TestTimeout.Token());
        var lines = client.CreateReader(new LineReader());
        Assert.Equal("hello, say STARTTLS", await ReadLineAsync(lines));
        await client.SendAsync(LineWriter.Lf, "STARTTLS");
        Assert.Equal("GO", await ReadLineAsync(lines));
        Assert.Null(client.TlsProtocol);
        await client.StartClientEncryptionAsync(new ClientTlsOptions { CaFile = TestCertificates.ServerPemPath }, TestTimeout.Token());

        Assert.Equal(TransportKind.Tls, client.TransportKind);
        Assert.NotNull(client.TlsProtocol);
        Assert.Equal(TestCertificates.Server.Thumbprint, client.RemoteCertificate?.Thumbprint);
        await client.SendAsync(LineWriter.Lf, "secret");
        Assert.Equal("you said secret", await ReadLineAsync(lines));
        var seen = await serverSaw.Task.Within();
        Assert.Equal((TransportKind.Tls, "secret"), (seen.Kind, seen.Line));
        Assert.NotNull(seen.Protocol);
    }

    [Fact]
    public async Task A_client_hello_sent_together_with_the_starttls_line_is_read_by_the_handshake()
    {
        // Some clients do not wait for the reply: their first handshake bytes arrive in the same segment as the
        // STARTTLS line, and the line reader has already buffered them.
        await using var listener = await StartListenerAsync(async (connection, ct) =>
        {
            var reader = connection.CreateReader(new LineReader());
            Assert.Equal("STARTTLS", await ReadLineAsync(reader));
            await connection.StartServerEncryptionAsync(ct);
            await connection.SendAsync(LineWriter.Lf, $"got {await ReadLineAsync(reader)}", ct);
        });

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port(listener), TestTimeout.Token());
        await using var glued = new GlueFirstWrite(tcp.GetStream(), "STARTTLS\n"u8.ToArray());
        await using var ssl = new SslStream(glued, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true }, TestTimeout.Token());
        Assert.True(glued.GluedBytes > "STARTTLS\n".Length, "the line and the client hello did not leave in one write");
        await ssl.WriteAsync("over tls\n"u8.ToArray(), TestTimeout.Token());
        using var reader = new StreamReader(ssl, Encoding.UTF8);
        Assert.Equal("got over tls", await reader.ReadLineAsync(TestTimeout.Token()));
    }

    [Fact]
    public async Task Plaintext_injected_after_the_starttls_line_fails_the_handshake_and_is_never_read_as_a_line()
    {
        // The STARTTLS command injection of CVE-2011-0411: bytes sent in the clear right after STARTTLS must not be
        // taken as if they had come over TLS.
        var outcome = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await StartListenerAsync(async (connection, ct) =>
        {
            var reader = connection.CreateReader(new LineReader());
            Assert.Equal("STARTTLS", await ReadLineAsync(reader));
            await connection.SendAsync(LineWriter.Lf, "GO", ct);
            try
            {
                await connection.StartServerEncryptionAsync(ct);
                outcome.TrySetResult($"upgraded, then read: {await ReadLineAsync(reader)}");
            }
            catch (AuthenticationException ex)
            {
                outcome.TrySetResult($"refused: {ex.Message}; state {connection.State}");
            }
        });

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port(listener), TestTimeout.Token());
        var stream = tcp.GetStream();
        await stream.WriteAsync("STARTTLS\nRCPT TO:<victim@example.org>\n"u8.ToArray(), TestTimeout.Token());
        var reply = new byte[3];
        await stream.ReadExactlyAsync(reply, TestTimeout.Token());
        Assert.Equal("GO\n", Encoding.ASCII.GetString(reply));
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
        await Assert.ThrowsAnyAsync<Exception>(() => ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true }, TestTimeout.Token()));

        var result = await outcome.Task.Within();
        Assert.StartsWith("refused: ", result);
        Assert.EndsWith("state Closed", result);
        Assert.DoesNotContain("RCPT", result);
    }

    [Fact]
    public async Task Starting_server_encryption_on_a_listener_without_starttls_is_refused_in_words()
    {
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (connection, ct) =>
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.StartServerEncryptionAsync(ct));
            refused.TrySetResult(error.Message);
        });
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", Port(listener), new ClientOptions { ConnectTimeout = TestTimeout.Default }, cancellationToken: TestTimeout.Token());
        Assert.Contains("certificate", await refused.Task.Within());
    }

    internal static async Task<SwitchboardListener> StartListenerAsync(ConnectionHandler handler, Action<ListenerOptions>? configure = null)
    {
        var options = ListenerOptions.Loopback(0);
        options.Certificate = TestCertificates.Server;
        options.StartTls = true;
        configure?.Invoke(options);
        return await SwitchboardListener.StartAsync(options, handler);
    }

    internal static int Port(SwitchboardListener listener) => ((IPEndPoint)listener.BoundEndPoint).Port;

    internal static async Task<string?> ReadLineAsync(ProtocolReader<System.Buffers.ReadOnlySequence<byte>> reader)
    {
        var result = await reader.ReadAsync(TestTimeout.Token());
        return result.IsCompleted ? null : Encoding.UTF8.GetString(result.Message);
    }

    /// <summary>Holds back the given bytes and sends them in one write with the first real write (the client hello).</summary>
    private sealed class GlueFirstWrite(Stream inner, byte[] first) : Stream
    {
        private byte[]? _pending = first;

        public int GluedBytes { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_pending is { } pending)
            {
                _pending = null;
                var glued = new byte[pending.Length + buffer.Length];
                pending.CopyTo(glued, 0);
                buffer.CopyTo(glued.AsMemory(pending.Length));
                GluedBytes = glued.Length;
                await inner.WriteAsync(glued, cancellationToken);
                return;
            }

            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
