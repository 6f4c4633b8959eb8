using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Transport;

/// <summary>A TLS listener takes a renewed certificate for new handshakes; connections already open carry on.</summary>
public sealed class CertificateReplaceTests
{
    [Fact]
    public async Task A_replaced_certificate_is_presented_to_new_clients_while_a_connected_client_keeps_working()
    {
        using var first = SelfSigned("CN=switchboard-cert-a");
        using var second = SelfSigned("CN=switchboard-cert-b");
        var options = ListenerOptions.Loopback(0);
        options.Certificate = first;
        await using var listener = await SwitchboardListener.StartAsync(options, EchoLinesAsync);

        await using var early = await TlsClient.ConnectAsync(listener);
        Assert.Equal(first.Thumbprint, early.Presented.Thumbprint);
        Assert.Equal("one", await early.EchoAsync("one"));

        var previous = listener.ReplaceCertificate(second);
        Assert.Same(first, previous);

        await using var late = await TlsClient.ConnectAsync(listener);
        Assert.Equal(second.Thumbprint, late.Presented.Thumbprint);
        Assert.Equal("late", await late.EchoAsync("late"));

        // The connection made before the change still talks, on the session it negotiated with the first certificate.
        Assert.Equal("two", await early.EchoAsync("two"));
        Assert.Equal(first.Thumbprint, early.Presented.Thumbprint);
    }

    [Fact]
    public async Task A_listener_without_tls_refuses_a_certificate()
    {
        using var certificate = SelfSigned("CN=switchboard-cert-a");
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), (c, ct) => Task.CompletedTask);
        Assert.Throws<InvalidOperationException>(() => listener.ReplaceCertificate(certificate));
    }

    [Fact]
    public async Task A_certificate_without_its_private_key_is_refused_and_the_old_one_stays()
    {
        using var first = SelfSigned("CN=switchboard-cert-a");
        using var second = SelfSigned("CN=switchboard-cert-b");
        using var publicOnly = X509CertificateLoader.LoadCertificate(second.RawData);
        var options = ListenerOptions.Loopback(0);
        options.Certificate = first;
        await using var listener = await SwitchboardListener.StartAsync(options, EchoLinesAsync);

        Assert.Throws<ArgumentException>(() => listener.ReplaceCertificate(publicOnly));
        await using var client = await TlsClient.ConnectAsync(listener);
        Assert.Equal(first.Thumbprint, client.Presented.Thumbprint);
    }

    private static async Task EchoLinesAsync(SwitchboardConnection connection, CancellationToken shutdown)
    {
        var reader = connection.CreateReader(new LineReader());
        while (true)
        {
            var line = await reader.ReadAsync(shutdown);
            if (line.IsCompleted)
            {
                return;
            }

            await connection.SendAsync(LineWriter.Lf, Encoding.UTF8.GetString(line.Message), shutdown);
        }
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A plain SslStream client that accepts any certificate and remembers the one it was shown.</summary>
    private sealed class TlsClient : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly SslStream _ssl;
        private readonly StreamReader _reader;

        private TlsClient(TcpClient tcp, SslStream ssl, X509Certificate2 presented)
        {
            _tcp = tcp;
            _ssl = ssl;
            _reader = new StreamReader(ssl, Encoding.UTF8);
            Presented = presented;
        }

        public X509Certificate2 Presented { get; }

        public static async Task<TlsClient> ConnectAsync(SwitchboardListener listener)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync((IPEndPoint)listener.BoundEndPoint, TestTimeout.Token());
            X509Certificate2? presented = null;
            var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (sender, certificate, chain, errors) =>
            {
                presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return true;
            });
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, TestTimeout.Token());
            Assert.NotNull(presented);
            return new TlsClient(tcp, ssl, presented);
        }

        public async Task<string?> EchoAsync(string text)
        {
            await _ssl.WriteAsync(Encoding.UTF8.GetBytes(text + "\n"), TestTimeout.Token());
            await _ssl.FlushAsync(TestTimeout.Token());
            return await _reader.ReadLineAsync(TestTimeout.Token());
        }

        public async ValueTask DisposeAsync()
        {
            await _ssl.DisposeAsync();
            _tcp.Dispose();
            Presented.Dispose();
        }
    }
}
