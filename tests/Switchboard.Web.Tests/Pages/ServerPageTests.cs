using OpenQA.Selenium;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

public sealed class ServerPageTests
{
    [Fact]
    public async Task Lists_an_nc_client_with_its_nick_and_messages_and_kicking_it_disconnects_nc()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr").Count == 1, "the chat listener");
        Assert.Contains($"{fixture.ChatPort}", browser.Find("#listeners tbody tr").Text, StringComparison.Ordinal);

        using var nc = await fixture.ConnectNcAsync("alice");
        using var other = await fixture.ConnectNcAsync("bob");
        // Generous timeout: the assertion is that it appears, not how fast.
        browser.WaitUntil(() => RowOf(browser, "alice") is not null, "alice's row in the connections table");
        var row = RowOf(browser, "alice")!;
        Assert.Contains("tcp", row.FindElement(By.CssSelector(".transport")).Text, StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1:", row.FindElement(By.CssSelector(".peer")).Text, StringComparison.Ordinal);
        Assert.Equal("lobby", row.FindElement(By.CssSelector(".room")).Text);

        const string markup = "hello <b>everyone</b> <script>alert(1)</script>";
        await nc.WriteLineAsync(markup);
        await other.WriteLineAsync("hi alice");
        browser.WaitUntil(() => browser.FindAll("#events .ev-message").Any(e => e.Text.Contains(markup, StringComparison.Ordinal) && e.Text.Contains("alice", StringComparison.Ordinal)),
            "alice's message in the event log, as text");
        Assert.Empty(browser.FindAll("#events b"));
        Assert.Empty(browser.FindAll("#events script"));

        browser.Type("#announce-text", "maintenance at noon");
        browser.Click("#announce-form button");
        await nc.WaitForStdoutAsync("maintenance at noon", TimeSpan.FromSeconds(30));
        browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").All(r => r.FindElement(By.CssSelector(".msgs")).Text != "0 / 0"), "message counters");

        browser.Screenshot(RepoPaths.Screenshot("server.png"));

        RowOf(browser, "alice")!.FindElement(By.CssSelector("button.kick")).Click();
        await nc.WaitForStdoutAsync("kicked", TimeSpan.FromSeconds(30));
        browser.WaitUntil(() => RowOf(browser, "alice") is null, "alice's row to go");
        await AssertDisconnectedAsync(nc);
        Assert.False(other.HasExited);
        Assert.NotNull(RowOf(browser, "bob"));
    }

    [Fact]
    public async Task Sends_a_line_to_one_connection_only()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/"));
        using var carol = await fixture.ConnectNcAsync("carol");
        using var dave = await fixture.ConnectNcAsync("dave");
        browser.WaitUntil(() => RowOf(browser, "carol") is not null && RowOf(browser, "dave") is not null, "both rows");

        RowOf(browser, "carol")!.FindElement(By.CssSelector("button.send")).Click();
        browser.Type("#send-text", "just for carol");
        browser.Click("#send-form button");
        await carol.WaitForStdoutAsync("just for carol", TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        Assert.DoesNotContain("just for carol", dave.Stdout, StringComparison.Ordinal);
    }

    private static IWebElement? RowOf(HeadlessChromium browser, string nick)
        => browser.FindAll("#sessions tbody tr").FirstOrDefault(r => r.GetAttribute("data-nick") == nick);

    /// <summary>A connection that is still up would carry the line, and nc stays.</summary>
    private static async Task AssertDisconnectedAsync(ExternalProcess nc)
        => Assert.True(await nc.WriteUntilExitAsync("still there?", TimeSpan.FromSeconds(30)), "nc is still connected after the kick:\n" + nc.Stdout);
}
