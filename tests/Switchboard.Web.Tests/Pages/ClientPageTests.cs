using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

public sealed class ClientPageTests
{
    [Fact]
    public async Task Connects_to_switchboard_listen_echo_and_shows_the_echo_as_text()
    {
        var (echo, port) = await SwitchboardCli.StartEchoAsync();
        using var _ = echo;
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, ClientConnectTimeout = ClientTransportTests.ConnectPatience });
        using var browser = HeadlessChromium.Start();

        browser.Open(console.Page("/client"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        Assert.Equal("unconnected", browser.Find("#status").GetAttribute("data-state"));

        browser.Type("#host", "127.0.0.1");
        browser.Type("#port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        browser.Click("#connect");
        browser.WaitUntil(() => browser.Find("#status").GetAttribute("data-state") == "connected", "Connected");

        const string markup = "hello <b>bold</b> <script>alert(1)</script>";
        browser.Type("#send-text", markup);
        browser.Click("#send");
        browser.WaitUntil(() => browser.FindAll("#log .entry.in .text").Any(e => e.Text.Contains(markup, StringComparison.Ordinal)), "the echo in the log");

        // Shown as the characters typed: no element was made from the user's markup.
        Assert.Empty(browser.FindAll("#log b"));
        Assert.Empty(browser.FindAll("#log script"));

        browser.Type("#send-text", "ping");
        browser.Select("#ending", "crlf");
        browser.Click("#send");
        browser.WaitUntil(() => browser.FindAll("#log .entry.in .text").Any(e => e.Text == "ping\\r"), "the CRLF echo, CR shown escaped");
        browser.Select("#view", "both");
        browser.WaitUntil(() => browser.FindAll("#log .entry.in .hex").Any(e => e.Text == "70 69 6e 67 0d 0a"), "the hex view of the echo");
        browser.WaitUntil(() => browser.Find("#bytes-in").Text != "0 B", "the received byte counter");

        browser.Screenshot(RepoPaths.Screenshot("client.png"));

        browser.Click("#disconnect");
        browser.WaitUntil(() => browser.Find("#status").GetAttribute("data-state") == "unconnected", "Unconnected after disconnect");
    }

    [Fact]
    public async Task The_port_starts_at_8899_as_the_chat_server_and_Qts_tutorials()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0 });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/client"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        Assert.Equal("8899", browser.Find("#port").GetDomProperty("value"));
    }

    [Fact]
    public async Task A_refused_connection_is_reported_and_the_page_can_try_again()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0 });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/client"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");

        // Port 1 on loopback: nothing listens there, so the kernel answers with a reset at once.
        browser.Type("#port", "1");
        browser.Click("#connect");
        browser.WaitUntil(() => browser.Find("#result").Text.Contains("refused", StringComparison.OrdinalIgnoreCase), "the refusal message");
        Assert.Equal("unconnected", browser.Find("#status").GetAttribute("data-state"));
        Assert.True(browser.Find("#connect").Enabled);
    }
}
