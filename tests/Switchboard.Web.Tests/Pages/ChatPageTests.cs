using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

public sealed class ChatPageTests
{
    [Fact]
    public async Task The_chat_page_and_an_nc_client_see_each_others_messages_as_text()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var nc = await fixture.ConnectNcAsync("erin");
        await nc.WriteLineAsync("said before the browser came");
        // The chat does not echo to the sender: wait until the line is stored, so it is history when the page joins.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await fixture.Chat.GetHistoryAsync("lobby")).Any(m => m.Text == "said before the browser came") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/chat"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        browser.Type("#nick", "frank");
        browser.Click("#enter");
        browser.WaitUntil(() => browser.Find("#room-title").Text == "#lobby", "the lobby to open");
        browser.WaitUntil(() => browser.FindAll("#messages .msg").Any(m => m.Text.Contains("said before the browser came", StringComparison.Ordinal)), "the room's history");

        const string fromNc = "from nc: <script>alert('x')</script> & <i>more</i>";
        await nc.WriteLineAsync(fromNc);
        browser.WaitUntil(() => browser.FindAll("#messages .msg[data-nick='erin'] .text").Any(m => m.Text == fromNc), "nc's message, live, as text");

        const string fromWeb = "from the web: <b>bold?</b>";
        browser.Type("#compose", fromWeb);
        browser.Click("#say");
        await nc.WaitForStdoutAsync($"<frank@web> {fromWeb}", TimeSpan.FromSeconds(30));
        browser.WaitUntil(() => browser.FindAll("#messages .msg.mine .text").Any(m => m.Text == fromWeb), "the page's own message");

        Assert.Empty(browser.FindAll("#messages b"));
        Assert.Empty(browser.FindAll("#messages i"));
        Assert.Empty(browser.FindAll("#messages script"));
        browser.Screenshot(RepoPaths.Screenshot("chat.png"));
    }

    [Fact]
    public async Task An_invalid_nick_is_refused_with_a_reason()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/chat"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        browser.Type("#nick", "<img src=x>");
        browser.Click("#enter");
        browser.WaitUntil(() => browser.Find("#enter-result").Text.Contains("not a valid nick", StringComparison.Ordinal), "the refusal");
        Assert.Empty(browser.FindAll("img[src='x']"));
    }
}
