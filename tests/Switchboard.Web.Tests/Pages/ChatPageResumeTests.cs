using System.Globalization;
using Switchboard.Chat;
using Switchboard.Chat.Storage;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>The chat page against its own node going away and coming back: nothing missed, nothing twice.</summary>
public sealed class ChatPageResumeTests
{
    [Fact]
    public async Task The_chat_page_resumes_after_its_node_restarts_with_nothing_missed_and_nothing_twice()
    {
        var data = Directory.CreateTempSubdirectory("switchboard-web-resume-").FullName;
        var token = "resume-test-token-" + Guid.NewGuid().ToString("N");
        ChatServer? chat = null;
        WebConsoleHost? console = null;
        try
        {
            chat = await StartChatAsync(data);
            console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Token = token, Server = new ChatConsoleServer(chat) });
            var webPort = new Uri(console.BaseUrls[0]).Port;

            using var browser = HeadlessChromium.Start();
            browser.Open(console.Page("/chat"));
            browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
            browser.Type("#nick", "frank");
            browser.Click("#enter");
            browser.WaitUntil(() => browser.Find("#room-title").Text == "#lobby", "the lobby to open");
            for (var i = 0; i < 5; i++)
            {
                await chat.PostAsync("erin", "lobby", Line("before", i));
            }

            browser.WaitUntil(() => browser.AnyShows("#messages .msg .text", Line("before", 4)), "the lines said before the restart");

            // The node goes away: its chat server and console stop, and the page loses its socket.
            await console.DisposeAsync();
            console = null;
            await chat.DisposeAsync();
            chat = null;
            browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") != "open", "the page to notice its node is gone", 60);

            // It comes back on the same data and web port. Before the page is back, others say more lines than a
            // fresh join would replay (50), so only a resume from the page's last id shows them all.
            chat = await StartChatAsync(data);
            for (var i = 0; i < 120; i++)
            {
                await chat.PostAsync("erin", "lobby", Line("during", i));
            }

            console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = webPort, Token = token, Server = new ChatConsoleServer(chat) });
            browser.WaitUntil(() => browser.AnyShows("#messages .msg .text", Line("during", 119)), "the lines said while the page was away", 60);
            await chat.PostAsync("erin", "lobby", Line("after", 0));
            browser.WaitUntil(() => browser.AnyShows("#messages .msg .text", Line("after", 0)), "a live line after the resume", 30);

            var shown = ((IEnumerable<object>)browser.Driver.ExecuteScript("return [...document.querySelectorAll('#messages .msg .text')].map(e => e.textContent);")!)
                .Select(o => (string)o)
                .Where(t => t.StartsWith("line ", StringComparison.Ordinal))
                .ToList();
            string[] expected = [.. Enumerable.Range(0, 5).Select(i => Line("before", i)), .. Enumerable.Range(0, 120).Select(i => Line("during", i)), Line("after", 0)];
            Assert.Equal(expected, shown);
        }
        finally
        {
            if (console is not null)
            {
                await console.DisposeAsync();
            }

            if (chat is not null)
            {
                await chat.DisposeAsync();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static string Line(string phase, int i) => $"line {phase} {i.ToString(CultureInfo.InvariantCulture)}";

    private static async Task<ChatServer> StartChatAsync(string data)
    {
        // The test says its lines through the web API, which meets the per-user rate limit like any way in: lifted
        // here, since 120 lines in a burst are the point of the test, not a flood.
        var chat = new ChatServer(new ChatServerOptions
        {
            Host = "127.0.0.1",
            Port = 0,
            DataDirectory = data,
            Durability = StoreDurability.Normal,
            RateLimitPerSecond = 1_000_000,
            RateLimitBurst = 1_000_000,
        });
        await chat.StartAsync();
        return chat;
    }
}
