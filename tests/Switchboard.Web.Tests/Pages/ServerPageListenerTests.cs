using System.Globalization;
using Switchboard.Net;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>The server page's Stop and Start buttons over a real chat server, with nc clients on both sides.</summary>
public sealed class ServerPageListenerTests
{
    [Fact]
    public async Task Stopping_the_chat_listener_turns_new_nc_clients_away_while_connected_ones_chat_and_starting_it_serves_them_again()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        var port = fixture.ChatPort;
        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/"));
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop").Any(b => b.Enabled), "the chat listener's Stop button, enabled");
        using var alice = await fixture.ConnectNcAsync("alice");
        using var bob = await fixture.ConnectNcAsync("bob");

        browser.Click("#listeners tbody tr button.stop");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.start").Count == 1, "the listener shown stopped");
        Assert.Equal("down", browser.Find("#st-server").GetAttribute("data-state"));
        Assert.Equal(ListenerState.Stopped, fixture.Chat.Listeners[0].State);
        browser.WaitUntil(() => browser.FindAll("#events .ev").Any(e => e.Text.Contains($"listener tcp 127.0.0.1:{port} stopped", StringComparison.Ordinal)), "the stop in the event log");

        using (var late = ExternalProcess.Start("nc", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)))
        {
            await AssertTurnedAwayAsync(late);
        }

        await alice.WriteLineAsync("the listener is stopped, we are not");
        await bob.WaitForStdoutAsync("<alice> the listener is stopped, we are not", TimeSpan.FromSeconds(30));

        browser.Click("#listeners tbody tr button.start");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop").Count == 1, "the listener shown listening again");
        Assert.Equal("up", browser.Find("#st-server").GetAttribute("data-state"));
        Assert.Equal(port, fixture.ChatPort);
        using var carol = await fixture.ConnectNcAsync("carol");
        await bob.WriteLineAsync("welcome back, carol");
        await carol.WaitForStdoutAsync("<bob> welcome back, carol", TimeSpan.FromSeconds(30));
        await alice.WaitForStdoutAsync("<bob> welcome back, carol", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Stop_and_disconnect_everyone_closes_every_nc_client_and_releases_the_port()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        var port = fixture.ChatPort;
        using var browser = HeadlessChromium.Start();
        browser.Open(fixture.Url("/"));
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop-all").Any(b => b.Enabled), "the chat listener's Stop and disconnect button, enabled");
        using var alice = await fixture.ConnectNcAsync("alice");
        using var bob = await fixture.ConnectNcAsync("bob");
        browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").Count == 2, "alice and bob in the table");

        browser.Click("#listeners tbody tr button.stop-all");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.start").Count == 1, "the listener shown stopped");
        await alice.WaitForStdoutAsync("disconnected everyone", TimeSpan.FromSeconds(30));
        await bob.WaitForStdoutAsync("disconnected everyone", TimeSpan.FromSeconds(30));
        Assert.True(await alice.WriteUntilExitAsync("still here?", TimeSpan.FromSeconds(30)), "alice's nc is still connected:\n" + alice.Stdout);
        Assert.True(await bob.WriteUntilExitAsync("still here?", TimeSpan.FromSeconds(30)), "bob's nc is still connected:\n" + bob.Stdout);
        browser.WaitUntil(() => browser.FindAll("#sessions tbody tr").Count == 0, "the table empty");
        browser.WaitUntil(() => browser.Find("#st-icon").GetAttribute("data-state") == "off", "the status icon saying not listening");
        Assert.Equal(ListenerState.Stopped, fixture.Chat.Listeners[0].State);

        // With nobody left the address is released: a newcomer is refused, and Start serves again on the same port.
        using (var late = ExternalProcess.Start("nc", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)))
        {
            await AssertTurnedAwayAsync(late);
        }

        browser.Click("#listeners tbody tr button.start");
        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr button.stop").Count == 1, "the listener shown listening again");
        using var carol = await fixture.ConnectNcAsync("carol");
        Assert.Equal(port, fixture.ChatPort);
    }

    /// <summary>
    /// The kernel accepts the connection (the port stays bound for alice and bob) and the server closes it without
    /// a welcome. Debian's nc notices only when it writes again, so it writes until it exits.
    /// </summary>
    private static async Task AssertTurnedAwayAsync(ExternalProcess nc)
    {
        Assert.True(await nc.WriteUntilExitAsync("/nick mallory", TimeSpan.FromSeconds(30)), "nc is still connected to the stopped listener:\n" + nc.Stdout);
        Assert.DoesNotContain("Welcome", nc.Stdout, StringComparison.Ordinal);
    }
}
