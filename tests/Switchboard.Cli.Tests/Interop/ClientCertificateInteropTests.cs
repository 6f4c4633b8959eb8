using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Interop;

/// <summary>
/// Client certificates and the TLS version floor with real peers: <c>listen --client-ca</c> against openssl s_client
/// and our connect, and <c>connect --cert/--key</c> against <c>openssl s_server -Verify</c>. A rejected client
/// certificate makes connect exit 6 and say so, over TLS 1.3 (where the verdict comes after the handshake) and 1.2.
/// </summary>
public sealed class ClientCertificateInteropTests
{
    [Fact]
    public async Task Listen_client_ca_serves_openssl_s_client_with_an_issued_certificate_and_refuses_one_without()
    {
        var (server, port) = await ListenWithClientCaAsync();
        await using var _ = server;
        var (cert, key) = ClientCertificates.Alice;
        await using (var alice = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-connect", $"127.0.0.1:{port}", "-CAfile", TestFiles.CertificatePem, "-cert", cert, "-key", key, "-quiet"]))
        {
            await alice.WriteLineAsync("from alice");
            await alice.WaitForLineAsync("^from alice$");
        }

        await using var anonymous = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-connect", $"127.0.0.1:{port}", "-CAfile", TestFiles.CertificatePem, "-quiet"]);
        await anonymous.WriteLineAsync("from nobody");
        Assert.NotEqual(0, await anonymous.WaitForExitAsync());
        Assert.DoesNotContain("from nobody", anonymous.Stdout);
    }

    [Fact]
    public async Task Connect_presents_its_certificate_to_listen_client_ca()
    {
        var (server, port) = await ListenWithClientCaAsync();
        await using var _ = server;
        var (cert, key) = ClientCertificates.Alice;
        await using var client = Connect(port, "--tls", "--ca", TestFiles.CertificatePem, "--cert", cert, "--key", key);
        await client.WriteLineAsync("hello with a certificate");
        await client.WaitForLineAsync("^hello with a certificate$");
    }

    [Theory]
    [InlineData(false, "the server requires a client certificate")]
    [InlineData(true, "the server rejected our client certificate")]
    public async Task Connect_exits_6_when_listen_client_ca_turns_down_its_certificate_after_a_tls_1_3_handshake(bool presentsStranger, string message)
    {
        // Our listener (SslStream on .NET 10) sends no alert: it closes right after the client's handshake.
        var (server, port) = await ListenWithClientCaAsync();
        await using var _ = server;
        var (cert, key) = ClientCertificates.Mallory;
        string[] certificate = presentsStranger ? ["--cert", cert, "--key", key] : [];
        await using var client = Connect(port, ["--tls", "--tls-min", "1.3", "--ca", TestFiles.CertificatePem, .. certificate]);
        Assert.Equal(6, await client.WaitForExitAsync());
        Assert.Contains(message, client.Stderr);
        Assert.Single(client.Stderr.Trim().Split('\n'));
        await server.WaitForLineAsync(presentsStranger ? @"Refused 127\.0\.0\.1:\d+: the client certificate is not trusted by the client CA" : @"Refused 127\.0\.0\.1:\d+: the client sent no certificate", stderr: true);
    }

    [Fact]
    public async Task Connect_presents_its_certificate_to_openssl_s_server_verify()
    {
        var port = FreePort();
        await using var server = StartOpensslServer(port, "-Verify", "1", "-CAfile", ClientCertificates.CaPem, "-verify_return_error");
        var (cert, key) = ClientCertificates.Alice;
        await WaitForPortAsync(port);
        await using var client = Connect(port, "--tls", "--ca", TestFiles.CertificatePem, "--cert", cert, "--key", key);
        await client.WriteLineAsync("hello s_server");
        await server.WaitForLineAsync("^hello s_server$");
    }

    [Theory]
    [InlineData("-tls1_3", true, "the server rejected our client certificate (TLS alert unknown_ca)")]
    [InlineData("-tls1_3", false, "the server requires a client certificate (TLS alert certificate_required)")]
    [InlineData("-tls1_2", true, "the server rejected our client certificate (TLS alert unknown_ca)")]
    public async Task Connect_exits_6_and_names_the_alert_when_openssl_s_server_rejects_its_certificate(string version, bool presentsStranger, string message)
    {
        var port = FreePort();
        await using var server = StartOpensslServer(port, version, "-Verify", "1", "-CAfile", ClientCertificates.CaPem, "-verify_return_error");
        var (cert, key) = ClientCertificates.Mallory;
        string[] certificate = presentsStranger ? ["--cert", cert, "--key", key] : [];
        await WaitForPortAsync(port);
        await using var client = Connect(port, ["--tls", "--ca", TestFiles.CertificatePem, .. certificate]);
        Assert.Equal(6, await client.WaitForExitAsync());
        Assert.Contains(message, client.Stderr);
        Assert.Single(client.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Tls_min_1_3_on_either_side_refuses_a_tls_1_2_peer()
    {
        var port = FreePort();
        await using (var old = StartOpensslServer(port, "-tls1_2"))
        {
            await WaitForPortAsync(port);
            await using var client = Connect(port, "--tls", "--tls-min", "1.3", "--ca", TestFiles.CertificatePem);
            Assert.Equal(6, await client.WaitForExitAsync());
            Assert.Contains("protocol_version", client.Stderr);
        }

        var (server, listenPort) = await SwitchboardCli.ListenAsync("--tls", "--tls-min", "1.3", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--mode", "echo");
        await using var _ = server;
        await using var tls12 = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-tls1_2", "-connect", $"127.0.0.1:{listenPort}", "-CAfile", TestFiles.CertificatePem, "-quiet"]);
        await tls12.WriteLineAsync("old client");
        Assert.NotEqual(0, await tls12.WaitForExitAsync());
        Assert.DoesNotContain("old client", tls12.Stdout);

        await using var tls13 = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-tls1_3", "-connect", $"127.0.0.1:{listenPort}", "-CAfile", TestFiles.CertificatePem, "-quiet"]);
        await tls13.WriteLineAsync("new client");
        await tls13.WaitForLineAsync("^new client$");
    }

    [Fact]
    public async Task Serve_client_ca_admits_an_issued_certificate_and_connect_without_one_exits_6()
    {
        using var folder = new TempFolder();
        await using var serve = SwitchboardCli.Start(["serve", "--port", "0", "--tls-port", "0", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--client-ca", ClientCertificates.CaPem, "--no-web", "--data", Path.Combine(folder.Path, "data")], null, workingDirectory: folder.Path);
        var port = int.Parse((await serve.WaitForLineAsync(@"chat listening on tls 127\.0\.0\.1:(\d+)", stderr: true, timeout: TimeSpan.FromSeconds(60))).Groups[1].Value, CultureInfo.InvariantCulture);
        var (cert, key) = ClientCertificates.Alice;
        await using (var alice = Connect(port, "--tls", "--ca", TestFiles.CertificatePem, "--cert", cert, "--key", key))
        {
            await alice.WaitForLineAsync("Welcome to Switchboard chat");
        }

        await using var anonymous = Connect(port, "--tls", "--ca", TestFiles.CertificatePem);
        Assert.Equal(6, await anonymous.WaitForExitAsync());
        Assert.Contains("the server requires a client certificate", anonymous.Stderr);
    }

    private static async Task<(ExternalProcess, int)> ListenWithClientCaAsync()
        => await SwitchboardCli.ListenAsync("--tls", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--client-ca", ClientCertificates.CaPem, "--mode", "echo");

    private static ExternalProcess Connect(int port, params string[] options)
        => SwitchboardCli.Start(["connect", "--timeout", "20s", .. options, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);

    private static ExternalProcess StartOpensslServer(int port, params string[] options)
        => ExternalProcess.Start(Peers.OpenSsl, ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", TestFiles.CertificatePem, "-key", TestFiles.KeyPem, .. options, "-quiet"]);

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + ExternalProcess.DefaultTimeout;
        while (!System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Any(e => e.Port == port))
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing listened on port {port}");
            await Task.Delay(50);
        }
    }
}
