using Switchboard.Chat;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>
/// The chat page's user meets the chat's input limits as a connection does (issue 13: "the same limits apply to
/// every way in"), on a real page: idle past the idle timeout, the page shows the notice a TCP user reads and is
/// back at the entry form, its session gone.
/// </summary>
public sealed class ChatPageLimitTests
{
    [Fact]
    public async Task A_page_user_idle_past_the_idle_timeout_sees_the_notice_and_is_out_of_the_chat()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync(chatOptions: (o, _) => o.IdleTimeout = TimeSpan.FromSeconds(8));
        using var events = fixture.Chat.Subscribe(1000);

        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/chat"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        browser.Type("#nick", "frank");
        browser.Click("#enter");

        // Nothing typed after entering: the chat tells the page why it closes the session, as it tells nc. (The idle
        // timeout leaves the page time to get the answer to its entry first, which would clear the form's message.)
        browser.WaitUntil(() => browser.Find("#enter-panel").Displayed && browser.Find("#enter-result").Text == "nothing received for 8 s; closing", "the idle notice on the page", 60);
        Assert.False(browser.Find("#chat-panel").Displayed);
        Assert.DoesNotContain(fixture.Chat.GetSessions(), s => s.IsWeb);

        // It was in the chat, and left it for being idle.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<ChatServerEvent>();
        while (!seen.Any(e => e.Kind == ChatEventKind.Disconnected && e.Nick == "frank@web"))
        {
            seen.Add(await events.Reader.ReadAsync(timeout.Token));
        }

        Assert.Contains(seen, e => e.Kind == ChatEventKind.Connected && e.Nick == "frank@web");
        Assert.Equal("idle timeout", seen.Single(e => e.Kind == ChatEventKind.Disconnected).Text);
    }
}
