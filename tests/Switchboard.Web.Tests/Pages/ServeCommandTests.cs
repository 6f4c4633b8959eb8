using System.Text.RegularExpressions;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>The console as mounted by the real <c>switchboard serve</c>, on the same host as the chat listeners.</summary>
public sealed partial class ServeCommandTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Serve_prints_the_console_address_and_its_server_page_lists_an_nc_client()
    {
        var data = Directory.CreateTempSubdirectory("switchboard-web-serve-").FullName;
        try
        {
            using var serve = SwitchboardCli.Start("serve", "--port", "0", "--web-port", "0", "--data", data);
            var chat = await serve.WaitForStderrAsync(ChatLine(), TimeSpan.FromSeconds(60));
            var web = await serve.WaitForStderrAsync(WebLine(), TimeSpan.FromSeconds(30));
            var url = web.Groups["url"].Value;
            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

            // stdout is not a terminal here (it could be journald): the token is in a file only its owner reads,
            // and neither stdout nor the log has it.
            var tokenFile = Path.Combine(data, "web-token");
            Assert.Contains($"(token in {tokenFile})", web.Value, StringComparison.Ordinal);
            var token = File.ReadAllText(tokenFile).Trim();
            Assert.True(token.Length >= 32);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            Assert.DoesNotContain(token, serve.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(token, serve.Stderr, StringComparison.Ordinal);
            using (var http = new HttpClient())
            {
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync(url)).StatusCode);
            }

            using var browser = HeadlessChromium.Start();
            browser.Open($"{url}?token={token}");
            browser.WaitUntil(() => browser.FindAll("#listeners tbody tr").Count == 1, "serve's chat listener on the server page");
            // serve's listeners can be stopped and started from the page (ServerPageListenerTests drives them).
            browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop").Any(b => b.Enabled), "serve's listener with an enabled Stop button");

            using var nc = ExternalProcess.Start("nc", "127.0.0.1", chat.Groups["port"].Value);
            await nc.WaitForStdoutAsync("Welcome", TimeSpan.FromSeconds(30));
            await nc.WriteLineAsync("/nick grace");
            browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").Any(r => r.GetAttribute("data-nick") == "grace"), "grace in the connections table");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_with_a_certificate_and_Web_ListenerUnixDirectories_offers_tls_and_unix_listeners_on_its_server_page()
    {
        var data = Directory.CreateTempSubdirectory("switchboard-web-serve-").FullName;
        try
        {
            var sockets = Directory.CreateDirectory(Path.Combine(data, "sockets")).FullName;
            var certificates = TestCertificates.Write(data);
            var environment = new Dictionary<string, string> { ["SWITCHBOARD_Web__ListenerUnixDirectories"] = sockets };
            using var serve = SwitchboardCli.Start(environment, ["serve", "--port", "0", "--web-port", "0", "--data", data, "--cert", certificates.CertificateFile, "--key", certificates.KeyFile]);
            await serve.WaitForStderrAsync(ChatLine(), TimeSpan.FromSeconds(60));
            var url = (await serve.WaitForStderrAsync(WebLine(), TimeSpan.FromSeconds(30))).Groups["url"].Value;
            var token = File.ReadAllText(Path.Combine(data, "web-token")).Trim();

            using var browser = HeadlessChromium.Start();
            browser.Open($"{url}?token={token}");
            browser.WaitUntil(() => browser.FindAll("#add-address option[value='127.0.0.1']").Count == 1, "the new-listener choices");
            Assert.True(browser.Find("#add-transport option[value='tls']").Enabled, "TLS with serve's --cert and --key");
            Assert.True(browser.Find("#add-transport option[value='unix']").Enabled, "Unix sockets under Web:ListenerUnixDirectories");
            Assert.Equal("", browser.Find("#add-note").Text);

            var socket = Path.Combine(sockets, "serve.sock");
            browser.Select("#add-transport", "unix");
            browser.Type("#add-path", socket);
            browser.Click("#add-start");
            browser.WaitUntil(() => browser.FindAll("#listeners tbody tr[data-name='unix']").Count == 1, "serve's new Unix listener in the table");

            using var nc = ExternalProcess.Start("nc", "-U", socket);
            await nc.WaitForStdoutAsync("Welcome", TimeSpan.FromSeconds(30));
            await nc.WriteLineAsync("/nick ursula");
            browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").Any(r => r.GetAttribute("data-nick") == "ursula"), "the nc -U client in the connections table", 30);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task No_web_serves_no_console()
    {
        var data = Directory.CreateTempSubdirectory("switchboard-web-serve-").FullName;
        try
        {
            using var serve = SwitchboardCli.Start("serve", "--port", "0", "--no-web", "--data", data);
            await serve.WaitForStderrAsync(ChatLine(), TimeSpan.FromSeconds(60));
            await Task.Delay(300);
            Assert.DoesNotContain("web console", serve.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task On_a_terminal_serve_prints_the_address_with_its_token_which_logs_in_at_once()
    {
        const string script = "/usr/bin/script";
        Assert.True(File.Exists(script), "this test needs script(1) for a terminal: install the Debian package util-linux");
        var data = Directory.CreateTempSubdirectory("switchboard-web-serve-").FullName;
        try
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "switchboard.dll");
            using var serve = ExternalProcess.Start(script, "-qfec", $"dotnet {dll} serve --port 0 --web-port 0 --data {data}", "/dev/null");
            var web = await serve.WaitForStdoutMatchAsync(TokenUrl(), TimeSpan.FromSeconds(60));
            var token = web.Groups["token"].Value;
            Assert.Equal(File.ReadAllText(Path.Combine(data, "web-token")).Trim(), token);

            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true });
            using var page = await browser.GetAsync(web.Groups["url"].Value);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            Assert.DoesNotContain("token", page.RequestMessage!.RequestUri!.ToString(), StringComparison.Ordinal);

            // Ctrl-C on the terminal: serve stops and takes its token file with it.
            await serve.WriteLineAsync("\u0003");
            await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.False(File.Exists(Path.Combine(data, "web-token")));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Web_no_token_serves_a_loopback_console_without_a_token()
    {
        var data = Directory.CreateTempSubdirectory("switchboard-web-serve-").FullName;
        try
        {
            using var serve = SwitchboardCli.Start("serve", "--port", "0", "--web-port", "0", "--web-no-token", "--data", data);
            var web = await serve.WaitForStderrAsync(WebLine(), TimeSpan.FromSeconds(60));
            Assert.DoesNotContain("token", web.Value, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, "web-token")));
            using var http = new HttpClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(web.Groups["url"].Value)).StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Web_no_token_beyond_loopback_is_a_usage_error()
    {
        // Refused while parsing, before anything is bound (so this test opens nothing on 0.0.0.0).
        var (code, stdout, stderr) = await RunToExitAsync(new(), "--web-no-token", "--web-host", "0.0.0.0");
        Assert.Equal(2, code);
        Assert.DoesNotContain("listening", stdout, StringComparison.Ordinal);
        Assert.Contains("--web-no-token works only on a loopback console", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_client_target_is_a_usage_error_naming_it()
    {
        var (code, stdout, stderr) = await RunToExitAsync(new() { ["SWITCHBOARD_Web__ClientTargets"] = "127.0.0.1:*,10.0.0.0/33:*" });
        Assert.Equal(2, code);
        Assert.DoesNotContain("listening", stdout, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/33:*", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunToExitAsync(Dictionary<string, string> environment, params string[] args)
    {
        var data = Directory.CreateTempSubdirectory("switchboard-web-serve-").FullName;
        try
        {
            using var serve = SwitchboardCli.Start(environment, ["serve", "--port", "0", "--web-port", "0", "--data", data, .. args]);
            var code = await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await serve.StdoutClosed;
            return (code, serve.Stdout, serve.Stderr);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [GeneratedRegex(@"chat listening on tcp 127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ChatLine();

    [GeneratedRegex(@"web console on (?<url>\S+).*")]
    private static partial Regex WebLine();

    [GeneratedRegex(@"web console on (?<url>http://127\.0\.0\.1:\d+/\?token=(?<token>[A-Za-z0-9_-]+))")]
    private static partial Regex TokenUrl();
}
