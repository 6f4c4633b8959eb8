using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Switchboard.Chat.Tests.Infrastructure;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Chat.Tests.Server;

/// <summary>The same chat over TLS and a Unix socket, sharing rooms with TCP clients.</summary>
public sealed class TransportTests
{
    [Fact]
    public async Task Tls_and_unix_clients_share_the_lobby_with_tcp_clients()
    {
        using var data = new TempDirectory();
        var (cert, key) = WriteSelfSignedCertificate(data.Path);
        var socketPath = Path.Combine(data.Path, "chat.sock");
        await using var server = await TestServer.StartAsync(o =>
        {
            o.TlsPort = 0;
            o.CertificateFile = cert;
            o.KeyFile = key;
            o.UnixSocketPath = socketPath;
        });

        var listeners = server.Server.Listeners;
        Assert.Equal([TransportKind.Tcp, TransportKind.Tls, TransportKind.Unix], listeners.Select(l => l.Transport));
        var tlsPort = ((System.Net.IPEndPoint)listeners[1].BoundEndPoint).Port;

        await using var tcp = await server.JoinAsync("tcpuser");
        await using var tls = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", tlsPort, new ClientOptions { ConnectTimeout = TimeSpan.FromSeconds(30), Tls = new ClientTlsOptions { CaFile = cert, ServerName = "localhost" } });
        await using var unix = await SwitchboardConnection.ConnectUnixAsync(socketPath);
        await tls.SendAsync(LineWriter.Lf, "/nick tlsuser");
        await unix.SendAsync(LineWriter.Lf, "/nick unixuser");
        await tcp.WaitForContainsAsync("is now known as unixuser");
        await tcp.WaitForContainsAsync("is now known as tlsuser");
        await tls.SendAsync(LineWriter.Lf, "over tls");
        await unix.SendAsync(LineWriter.Lf, "over unix");
        await tcp.WaitForContainsAsync("<tlsuser> over tls");
        await tcp.WaitForContainsAsync("<unixuser> over unix");
        Assert.Contains("<tlsuser> over tls", await ReadUntilAsync(unix, "over tls"), StringComparison.Ordinal);
        var sessions = server.Server.GetSessions();
        Assert.Contains(sessions, s => s.Transport == TransportKind.Tls && s.Nick == "tlsuser");
        Assert.Contains(sessions, s => s.Transport == TransportKind.Unix && s.Nick == "unixuser");
    }

    [Fact]
    public async Task A_tls_listener_added_at_runtime_uses_the_configured_certificate()
    {
        using var data = new TempDirectory();
        var (cert, key) = WriteSelfSignedCertificate(data.Path);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.CertificateFile = cert;
            o.KeyFile = key;
        });

        var added = await server.Server.AddListenerAsync(System.Net.IPAddress.Loopback, 0, tls: true, "test");
        Assert.Equal(TransportKind.Tls, added.Transport);
        var tlsPort = ((System.Net.IPEndPoint)added.BoundEndPoint).Port;

        await using var tcp = await server.JoinAsync("tcpuser");
        await using var tls = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", tlsPort, new ClientOptions { ConnectTimeout = TimeSpan.FromSeconds(30), Tls = new ClientTlsOptions { CaFile = cert, ServerName = "localhost" } });
        await tls.SendAsync(LineWriter.Lf, "/nick tlsuser");
        await tcp.WaitForContainsAsync("is now known as tlsuser");
        Assert.Contains(server.Server.GetSessions(), s => s.Transport == TransportKind.Tls && s.Nick == "tlsuser");
    }

    private static async Task<string> ReadUntilAsync(SwitchboardConnection connection, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var reader = connection.CreateReader(new LineReader());
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            Assert.False(result.IsCompleted, "closed before the line arrived");
            var line = Encoding.UTF8.GetString(result.Message);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    private static (string Cert, string Key) WriteSelfSignedCertificate(string directory)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(directory, "cert.pem");
        var key = Path.Combine(directory, "key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }
}
