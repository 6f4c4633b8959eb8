using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>
/// The chat page's user is a member like any other (issue 13): an nc client sees it in /who, reaches it with /msg,
/// gets its /msg, and an operator's /kick ends it, on a real page.
/// </summary>
public sealed class ChatPageMemberTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_nc_client_sees_the_page_user_in_who_messages_it_privately_and_an_operator_kicks_it()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync(chatOptions: (o, _) => o.OperatorSecret = "hunter2");
        using var op = await fixture.ConnectNcAsync("op");
        await op.WriteLineAsync("/oper hunter2");
        await op.WaitForStdoutAsync("you are now an operator", Timeout);

        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/chat"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        browser.Type("#nick", "spam");
        browser.Click("#enter");
        browser.WaitUntil(() => browser.Find("#room-title").Text == "#lobby", "the lobby to open");
        await op.WaitForStdoutAsync("spam@web joined #lobby", Timeout);

        await op.WriteLineAsync("/who");
        await op.WaitForStdoutAsync("#lobby (2): op spam@web", Timeout);

        // nc to the page, privately.
        await op.WriteLineAsync("/msg spam@web please stop");
        browser.WaitUntil(() => browser.FindAll("#messages .msg.private[data-nick='op'] .text").Any(m => m.Text == "(private) please stop"), "op's private message on the page", 30);

        // The page to nc, privately, typed as a command.
        browser.Type("#compose", "/msg op sorry");
        browser.Click("#say");
        await op.WaitForStdoutAsync("*private* <spam@web> sorry", Timeout);
        browser.WaitUntil(() => browser.FindAll("#messages .msg.private.mine .text").Any(m => m.Text == "(private to op) sorry"), "the page's own private message", 30);

        // The operator kicks the page's user by the name /who shows: the page says why and leaves the chat.
        await op.WriteLineAsync("/kick spam@web flooding");
        await op.WaitForStdoutAsync("spam@web left #lobby", Timeout);
        browser.WaitUntil(() => browser.Find("#enter-panel").Displayed && browser.Find("#enter-result").Text.Contains("kicked by op: flooding", StringComparison.Ordinal), "the kick on the page", 30);
        Assert.False(browser.Find("#chat-panel").Displayed);
        Assert.DoesNotContain(fixture.Chat.GetSessions(), s => s.IsWeb);
        await op.WriteLineAsync("/who");
        await op.WaitForStdoutAsync("#lobby (1): op", Timeout);
    }
}
