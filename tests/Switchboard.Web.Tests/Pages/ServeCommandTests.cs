using System.Text.RegularExpressions;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>The console as mounted by the real <c>switchboard serve</c>, on the same host as the chat listeners.</summary>
public sealed partial class ServeCommandTests
{
    [Fact]
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
            Assert.DoesNotContain("token", url, StringComparison.Ordinal);

            using var browser = HeadlessChromium.Start();
            browser.Open(url);
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

    [GeneratedRegex(@"chat listening on tcp 127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ChatLine();

    [GeneratedRegex(@"web console on (?<url>\S+)")]
    private static partial Regex WebLine();
}
