using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

public sealed class ServerPageControlTests
{
    [Fact]
    public async Task Stop_and_start_reach_the_server_and_the_state_follows()
    {
        var server = new FakeConsoleServer();
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Server = server });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/"));
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop").Count == 1, "the listener's Stop button");

        browser.Find("#listeners tbody tr button.stop").Click();
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.start").Count == 1, "the listener shown stopped");
        Assert.Equal("down", browser.Find("#st-server").GetAttribute("data-state"));

        browser.Find("#listeners tbody tr button.start").Click();
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop").Count == 1, "the listener shown listening again");
        Assert.Equal(["stop tcp-main", "start tcp-main"], server.Commands);
    }

    [Fact]
    public async Task The_event_log_stays_capped_through_an_event_storm()
    {
        var server = new FakeConsoleServer();
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Server = server });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        await Task.Delay(300);

        // 20,000 events as fast as one thread can raise them: far beyond what a page shows.
        const int count = 20_000;
        for (var i = 1; i <= count; i++)
        {
            server.Raise(new ConsoleEvent(DateTimeOffset.UtcNow, ConsoleEventKinds.Message, i, "storm", "lobby", $"event {i} <i>x</i>"));
        }

        browser.WaitUntil(() => browser.AnyShows("#events .ev", $"event {count} <i>x</i>"), "the last event", seconds: 30);
        var rows = browser.FindAll("#events .ev").Count;
        Assert.InRange(rows, 1, 1000);
        Assert.Empty(browser.FindAll("#events i"));
    }
}
