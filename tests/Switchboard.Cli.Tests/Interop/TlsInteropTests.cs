using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Interop;

public sealed class TlsInteropTests
{
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task Openssl_s_client_talks_to_listen_tls()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--tls", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--mode", "echo");
        await using var _ = server;
        await using var client = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-connect", $"127.0.0.1:{port}", "-CAfile", TestFiles.CertificatePem, "-verify_return_error", "-quiet"]);
        await client.WriteLineAsync("over tls ✓");
        await client.WaitForLineAsync("^over tls ✓$");
        await server.WaitForLineAsync("tls 127\\.0\\.0\\.1:\\d+ connected", stderr: true);
    }

    [Fact]
    public async Task Connect_tls_talks_to_openssl_s_server_both_ways()
    {
        var port = FreePort();
        await using var server = ExternalProcess.Start(Peers.OpenSsl, ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", TestFiles.CertificatePem, "-key", TestFiles.KeyPem, "-quiet"]);
        await using var client = await ConnectWithRetryAsync(port, ["--tls", "--ca", TestFiles.CertificatePem]);
        await client.WriteLineAsync("hello s_server");
        await server.WaitForLineAsync("^hello s_server$");
        await server.WriteLineAsync("hello switchboard");
        await client.WaitForLineAsync("^hello switchboard$");
    }

    [Fact]
    public async Task Connect_tls_to_an_untrusted_certificate_exits_6_and_blames_the_certificate()
    {
        var port = FreePort();
        await using var server = ExternalProcess.Start(Peers.OpenSsl, ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", TestFiles.CertificatePem, "-key", TestFiles.KeyPem, "-quiet"]);
        await WaitForPortAsync(port);
        await using var client = SwitchboardCli.Start("connect", "--tls", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(6, await client.WaitForExitAsync());
        Assert.Contains("certificate", client.Stderr);
        Assert.Single(client.Stderr.Trim().Split('\n'));
    }

    private static async Task<ExternalProcess> ConnectWithRetryAsync(int port, string[] extra)
    {
        await WaitForPortAsync(port);
        return SwitchboardCli.Start(["connect", .. extra, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);
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
