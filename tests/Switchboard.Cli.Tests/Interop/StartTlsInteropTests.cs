using System.Globalization;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Interop;

/// <summary>
/// STARTTLS with real peers: openssl s_client's own SMTP STARTTLS against <c>listen --starttls</c>, and our
/// <c>connect --starttls</c> against it.
/// </summary>
public sealed class StartTlsInteropTests
{
    [Fact]
    public async Task Openssl_s_client_starttls_smtp_upgrades_and_talks_to_listen_starttls()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--starttls", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--mode", "echo");
        await using var _ = server;
        await using var client = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-starttls", "smtp", "-connect", $"127.0.0.1:{port}", "-CAfile", TestFiles.CertificatePem, "-verify_return_error", "-quiet"]);
        await server.WaitForLineAsync(@"started TLS \(Tls1[23]\)", stderr: true);
        await client.WriteLineAsync("after starttls ✓");
        await client.WaitForLineAsync("^after starttls ✓$");
        await server.WaitForLineAsync(@"tls 127\.0\.0\.1:\d+ connected", stderr: true);
    }

    [Fact]
    public async Task Connect_starttls_talks_to_listen_starttls_and_shows_the_exchange_with_verbose()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--starttls", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--mode", "echo");
        await using var _ = server;
        await using var client = SwitchboardCli.Start("-v", "connect", "--starttls", "--timeout", "20s", "--ca", TestFiles.CertificatePem, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        await client.WaitForLineAsync(@"^< 220 2\.0\.0 Ready to start TLS$", stderr: true);
        await client.WriteLineAsync("encrypted now");
        await client.WaitForLineAsync("^encrypted now$");
        await server.WaitForLineAsync(@"started TLS \(Tls13\)", stderr: true);
    }

    [Fact]
    public async Task Plaintext_commands_before_starttls_are_refused_and_starttls_is_offered()
    {
        // What a person typing at nc sees: the greeting, the offer, and a refusal to do anything in the clear.
        var (server, port) = await SwitchboardCli.ListenAsync("--starttls", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--mode", "print");
        await using var _ = server;
        await using var nc = ExternalProcess.Start(Peers.Nc, ["127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);
        await nc.WaitForLineAsync("^220 switchboard ESMTP");
        await nc.WriteLineAsync("EHLO me");
        await nc.WaitForLineAsync("^250 STARTTLS$");
        await nc.WriteLineAsync("hello in the clear");
        await nc.WaitForLineAsync("^530 5.7.0 Must issue a STARTTLS command first$");
        await nc.WriteLineAsync("QUIT");
        await nc.WaitForLineAsync("^221 ");
        Assert.DoesNotContain("hello in the clear", server.Stdout);
    }

    [Fact]
    public async Task Connect_starttls_to_a_server_that_does_not_greet_gives_up_after_the_timeout()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;
        await using var client = SwitchboardCli.Start("connect", "--starttls", "--timeout", "1s", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(5, await client.WaitForExitAsync());
        Assert.Contains("STARTTLS failed: no answer within 1s", client.Stderr);
    }
}
