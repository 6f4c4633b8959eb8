using System.Globalization;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Proxy;

/// <summary><c>switchboard connect</c> through real SOCKS5 (microsocks) and HTTP CONNECT (tinyproxy) proxies.</summary>
public sealed class ProxyInteropTests
{
    private const string Socks = $"socks5://{ProxyPeer.User}:{ProxyPeer.Password}@127.0.0.1:";
    private const string Http = $"http://{ProxyPeer.User}:{ProxyPeer.Password}@127.0.0.1:";

    [Fact]
    public async Task Socks5_with_a_password_tunnels_both_ways_and_leaves_the_name_to_the_proxy()
    {
        using var folder = new TempFolder();
        // Only the proxy's /etc/hosts knows this name: the client cannot resolve it itself.
        var hosts = folder.File("hosts", "127.0.0.1 localhost\n127.0.0.1 echo.proxied.test\n");
        await using var proxy = await ProxyPeer.StartMicrosocksAsync(auth: true, hostsFile: hosts);
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;

        var direct = await SwitchboardCli.RunAsync(["connect", "echo.proxied.test", Text(port)]);
        Assert.Equal(3, direct.ExitCode);

        await using var client = SwitchboardCli.Start("connect", "--proxy", Socks + Text(proxy.Port), "echo.proxied.test", Text(port));
        await client.WriteLineAsync("through socks ✓");
        await client.WaitForLineAsync("^through socks ✓$");
        await proxy.Process.WaitForLineAsync("connected to echo\\.proxied\\.test:" + port, stderr: true);
        client.CloseInput();
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task Socks5_without_authentication_tunnels()
    {
        await using var proxy = await ProxyPeer.StartMicrosocksAsync(auth: false);
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;
        await using var client = SwitchboardCli.Start("connect", "--proxy", $"socks5://127.0.0.1:{proxy.Port}", "127.0.0.1", Text(port));
        await client.WriteLineAsync("no auth");
        await client.WaitForLineAsync("^no auth$");
    }

    [Fact]
    public async Task Socks5_wrong_password_or_none_exits_10_with_the_proxys_reason()
    {
        await using var proxy = await ProxyPeer.StartMicrosocksAsync(auth: true);
        var (server, port) = await SwitchboardCli.ListenAsync();
        await using var _ = server;

        var wrong = await SwitchboardCli.RunAsync(["connect", "--proxy", $"socks5://{ProxyPeer.User}:nope@127.0.0.1:{proxy.Port}", "127.0.0.1", Text(port)]);
        Assert.Equal(10, wrong.ExitCode);
        Assert.Equal($"switchboard connect: proxy socks5://alice@127.0.0.1:{proxy.Port}: the proxy rejected the user name or password for 'alice'", wrong.Stderr.Trim());
        Assert.DoesNotContain("nope", wrong.Stderr);

        var none = await SwitchboardCli.RunAsync(["connect", "--proxy", $"socks5://127.0.0.1:{proxy.Port}", "127.0.0.1", Text(port)]);
        Assert.Equal(10, none.ExitCode);
        Assert.Contains("requires a user name and password", none.Stderr);
    }

    [Fact]
    public async Task Socks5_to_a_closed_port_is_refused_as_directly()
    {
        await using var proxy = await ProxyPeer.StartMicrosocksAsync(auth: true);
        var closed = ClosedPort();
        var result = await SwitchboardCli.RunAsync(["connect", "--proxy", Socks + Text(proxy.Port), "127.0.0.1", Text(closed)]);
        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"connection refused by 127.0.0.1 port {closed} (reported by proxy", result.Stderr);
    }

    [Fact]
    public async Task Http_connect_with_basic_auth_carries_tls_end_to_end()
    {
        await using var proxy = await ProxyPeer.StartTinyproxyAsync();
        var (server, port) = await SwitchboardCli.ListenAsync("--tls", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--mode", "echo");
        await using var _ = server;
        await using var client = SwitchboardCli.Start("connect", "--proxy", Http + Text(proxy.Port), "--tls", "--ca", TestFiles.CertificatePem, "localhost", Text(port));
        await client.WriteLineAsync("tls through http ✓");
        await client.WaitForLineAsync("^tls through http ✓$");
        await server.WaitForLineAsync("tls 127\\.0\\.0\\.1:\\d+ connected", stderr: true);
        await proxy.Process.WaitForLineAsync($"CONNECT localhost:{port} ");
    }

    [Fact]
    public async Task Http_wrong_password_or_none_exits_10_with_the_proxys_reason()
    {
        await using var proxy = await ProxyPeer.StartTinyproxyAsync();
        var (server, port) = await SwitchboardCli.ListenAsync();
        await using var _ = server;

        var wrong = await SwitchboardCli.RunAsync(["connect", "--proxy", $"http://{ProxyPeer.User}:nope@127.0.0.1:{proxy.Port}", "127.0.0.1", Text(port)]);
        Assert.Equal(10, wrong.ExitCode);
        Assert.Matches(@"^switchboard connect: proxy http://alice@127\.0\.0\.1:\d+: the proxy rejected the user name or password for 'alice' \(40[17] \w.*\)$", wrong.Stderr.Trim());

        var none = await SwitchboardCli.RunAsync(["connect", "--proxy", $"http://127.0.0.1:{proxy.Port}", "127.0.0.1", Text(port)]);
        Assert.Equal(10, none.ExitCode);
        Assert.Contains("requires a user name and password (407 Proxy Authentication Required)", none.Stderr);
    }

    [Fact]
    public async Task Http_connect_refused_by_the_proxys_rules_exits_11_with_its_status()
    {
        // With a ConnectPort line tinyproxy opens tunnels to the listed ports only.
        await using var proxy = await ProxyPeer.StartTinyproxyAsync("ConnectPort 443");
        var (server, port) = await SwitchboardCli.ListenAsync();
        await using var _ = server;
        var result = await SwitchboardCli.RunAsync(["connect", "--proxy", Http + Text(proxy.Port), "127.0.0.1", Text(port)]);
        Assert.Equal(11, result.ExitCode);
        Assert.Matches($@"^switchboard connect: proxy http://alice@127\.0\.0\.1:{proxy.Port} did not open the tunnel: CONNECT to 127\.0\.0\.1:{port} answered 403 ", result.Stderr.Trim());
    }

    [Fact]
    public async Task All_proxy_and_https_proxy_apply_without_proxy_and_no_proxy_turns_them_off()
    {
        await using var socks = await ProxyPeer.StartMicrosocksAsync(auth: true);
        await using var http = await ProxyPeer.StartTinyproxyAsync();
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;

        await using (var viaAll = SwitchboardCli.Start(["connect", "127.0.0.1", Text(port)], new Dictionary<string, string> { ["ALL_PROXY"] = Socks + Text(socks.Port) }))
        {
            await viaAll.WriteLineAsync("via ALL_PROXY");
            await viaAll.WaitForLineAsync("^via ALL_PROXY$");
            await socks.Process.WaitForLineAsync($"connected to 127\\.0\\.0\\.1:{port}", stderr: true);
        }

        await using (var viaHttps = SwitchboardCli.Start(["connect", "127.0.0.1", Text(port)], new Dictionary<string, string> { ["https_proxy"] = Http + Text(http.Port) }))
        {
            await viaHttps.WriteLineAsync("via https_proxy");
            await viaHttps.WaitForLineAsync("^via https_proxy$");
            await http.Process.WaitForLineAsync($"CONNECT 127\\.0\\.0\\.1:{port} ");
        }

        // A proxy that turns us away proves which path was taken: through it (exit 10) or around it (exit 0).
        var refusing = new Dictionary<string, string> { ["ALL_PROXY"] = $"socks5://{ProxyPeer.User}:nope@127.0.0.1:{socks.Port}" };
        Assert.Equal(10, (await SwitchboardCli.RunAsync(["connect", "127.0.0.1", Text(port)], refusing)).ExitCode);
        Assert.Equal(0, (await SwitchboardCli.RunAsync(["connect", "--no-proxy", "127.0.0.1", Text(port)], refusing)).ExitCode);
        Assert.Equal(0, (await SwitchboardCli.RunAsync(["connect", "127.0.0.1", Text(port)], new Dictionary<string, string>(refusing) { ["NO_PROXY"] = "localhost,127.0.0.1" })).ExitCode);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:21", "--proxy: proxy scheme 'ftp' is not supported")]
    [InlineData("127.0.0.1:1080", "--proxy:")]
    [InlineData("http://127.0.0.1:3128/path", "--proxy: a proxy URL has no path")]
    public async Task A_bad_proxy_url_is_bad_usage_in_one_line(string url, string expected)
    {
        var result = await SwitchboardCli.RunAsync(["connect", "--proxy", url, "127.0.0.1", "9"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task A_bad_all_proxy_is_bad_usage_naming_the_variable()
    {
        var result = await SwitchboardCli.RunAsync(["connect", "127.0.0.1", "9"], new Dictionary<string, string> { ["ALL_PROXY"] = "gopher://x" });
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("switchboard connect: ALL_PROXY: proxy scheme 'gopher' is not supported (use socks5:// or http://)", result.Stderr.Trim());
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int ClosedPort()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
