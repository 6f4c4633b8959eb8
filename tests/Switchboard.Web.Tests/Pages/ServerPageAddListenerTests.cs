using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>The server page's "Start new listener": an address from the machine's own, a port, over a real chat server.</summary>
public sealed class ServerPageAddListenerTests
{
    [Fact]
    public async Task A_listener_started_from_the_page_on_127_0_0_1_port_0_shows_its_port_and_welcomes_a_tcp_client()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/"));
        browser.WaitUntil(() => browser.FindAll("#add-address option[value='127.0.0.1']").Count == 1, "127.0.0.1 among the machine's addresses");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr").Count == 1, "the configured chat listener");

        browser.Select("#add-address", "127.0.0.1");
        browser.Type("#add-port", "0");
        browser.Select("#add-transport", "tcp");
        browser.Click("#add-start");

        // Two TCP listeners now: the page names them by id, the new one second.
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr[data-name='tcp-1']").Count == 1, "the new listener in the table");
        var row = browser.Find("#listeners tbody tr[data-name='tcp-1']");
        var cells = row.FindElements(OpenQA.Selenium.By.CssSelector("td"));
        Assert.Equal("127.0.0.1", cells[2].Text);
        var port = int.Parse(cells[3].Text, CultureInfo.InvariantCulture);
        Assert.NotEqual(0, port);
        Assert.NotEqual(fixture.ChatPort, port);
        Assert.Equal("listening", cells[5].Text);
        Assert.Equal(port, ((IPEndPoint)fixture.Chat.Listeners[1].BoundEndPoint).Port);
        browser.WaitUntil(() => browser.FindAll("#events .ev").Any(e => e.Text.Contains($"new listener tcp 127.0.0.1:{port} listening", StringComparison.Ordinal)), "the new listener in the event log");

        // The port the page shows is a chat listener: a plain TCP client gets the welcome.
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        var seen = new StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains("Welcome", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.Contains("Welcome", seen.ToString(), StringComparison.Ordinal);
        browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").Count == 1, "the client in the connections table");
    }

    [Fact]
    public async Task An_address_that_is_not_the_machines_own_is_refused_and_nothing_is_bound()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/"));
        browser.WaitUntil(() => browser.FindAll("#add-address option[value='127.0.0.1']").Count == 1, "the machine's addresses");

        // A page that was tampered with (or a script) offers an address of someone else's: TEST-NET-1.
        browser.Driver.ExecuteScript("const o = document.createElement('option'); o.value = o.textContent = '192.0.2.1'; document.querySelector('#add-address').append(o);");
        browser.Select("#add-address", "192.0.2.1");
        browser.Click("#add-start");

        browser.WaitUntil(() => browser.Find("#result").Text.Contains("'192.0.2.1' is not one of this machine's addresses", StringComparison.Ordinal), "the refusal");
        Assert.Single(fixture.Chat.Listeners);
    }
}
