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

        browser.Click("#listeners tbody tr button.stop");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.start").Count == 1, "the listener shown stopped");
        Assert.Equal("down", browser.Find("#st-server").GetAttribute("data-state"));

        browser.Click("#listeners tbody tr button.start");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop").Count == 1, "the listener shown listening again");
        Assert.Equal(["stop tcp-main", "start tcp-main"], server.Commands);
    }

    [Fact]
    public async Task The_status_icon_shows_not_listening_listening_and_clients_connected()
    {
        var server = new FakeConsoleServer();
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Server = server });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/"));
        browser.WaitUntil(() => browser.Find("#st-icon").GetAttribute("data-state") == "listening", "the icon saying listening");
        Assert.Equal("listening, no clients", browser.Find("#st-icon").GetAttribute("title"));

        server.Sessions = [new ConsoleSession(5, "tcp", "127.0.0.1:40000", "ada", "lobby", DateTimeOffset.UtcNow, 0, 0, 0, 0)];
        browser.WaitUntil(() => browser.Find("#st-icon").GetAttribute("data-state") == "clients", "the icon saying clients are connected");
        Assert.Equal("1 client connected", browser.Find("#st-icon").GetAttribute("title"));

        server.Sessions = [];
        browser.Click("#listeners tbody tr button.stop");
        browser.WaitUntil(() => browser.Find("#st-icon").GetAttribute("data-state") == "off", "the icon saying not listening");
        Assert.Equal("not listening", browser.Find("#st-icon").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task A_line_sent_from_the_page_shows_in_its_event_log()
    {
        var server = new FakeConsoleServer { Sessions = [new ConsoleSession(5, "tcp", "127.0.0.1:40000", "ada", "lobby", DateTimeOffset.UtcNow, 0, 0, 0, 0)] };
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Server = server });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/"));
        browser.WaitUntil(() => browser.FindAll("#send-target option[value='5']").Count == 1, "session #5 to send to");
        browser.Select("#send-target", "5");
        browser.Type("#send-text", "hello from the console");
        browser.Click("#send-form button[type=submit]");
        browser.WaitUntil(() => browser.AnyShows("#events .ev", "to #5: hello from the console"), "the sent line in the event log");
        Assert.Contains("send 5 hello from the console", server.Commands);
    }

    [Fact]
    public async Task Stop_also_offers_stop_and_disconnect_everyone()
    {
        var server = new FakeConsoleServer { Sessions = [new ConsoleSession(5, "tcp", "127.0.0.1:40000", "ada", "lobby", DateTimeOffset.UtcNow, 0, 0, 0, 0)] };
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Server = server });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/"));
        browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").Count == 1, "session #5 in the table");
        Assert.Single(browser.FindAll("#listeners tbody tr button.stop"));

        browser.Click("#listeners tbody tr button.stop-all");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.start").Count == 1, "the listener shown stopped");
        browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").Count == 0, "the session gone from the table");
        Assert.Empty(browser.FindAll("#listeners tbody tr button.stop-all"));
        Assert.Equal(["stop-all tcp-main"], server.Commands);
    }

    [Fact]
    public async Task The_event_log_stays_capped_through_an_event_storm()
    {
        var server = new FakeConsoleServer();
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Server = server });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        // The page's socket is open before its session on the server has subscribed (a fixed 300 ms wait here was a
        // guess at that); events raised before the subscription reach nobody.
        await server.Subscribed.WaitAsync(TimeSpan.FromSeconds(30));

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
