using System.Net;
using System.Text.Json;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// The "web users are members like any other (in /who, /msg, kick, ban)": a web chat page's user is a
/// session of the server, which TCP clients see, reach, kick and ban.
/// </summary>
public sealed class WebMemberTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_web_user_is_in_who_and_rooms_and_its_joins_and_parts_are_told()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await using var web = await server.Server.EnterWebUserAsync("frank", IPAddress.Loopback, "127.0.0.1:5000");
        Assert.Equal("frank@web", web.Nick);
        await alice.WaitForContainsAsync("frank@web joined #lobby", Timeout);

        await alice.SendLineAsync("/who");
        await alice.WaitForAsync(l => l.StartsWith("*** #lobby (2): ", StringComparison.Ordinal) && l.Contains("frank@web", StringComparison.Ordinal), Timeout);

        await web.JoinAsync("den");
        await alice.WaitForContainsAsync("frank@web left #lobby", Timeout);
        var from = alice.Lines.Count;
        await alice.SendLineAsync("/rooms");
        await alice.WaitForAsync(l => l.Contains("#den (1 member)", StringComparison.Ordinal), Timeout, fromIndex: from);
        Assert.Contains(server.Server.GetSessions(), s => s.IsWeb && s.Nick == "frank@web" && s.Room == "den");

        await web.DisposeAsync();
        Assert.DoesNotContain(server.Server.GetSessions(), s => s.Nick == "frank@web");
    }

    [Fact]
    public async Task Private_messages_go_both_ways_between_a_web_user_and_a_tcp_client()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await using var web = await server.Server.EnterWebUserAsync("frank", IPAddress.Loopback, "127.0.0.1:5000");

        await alice.SendLineAsync("/msg frank@web psst, frank");
        var toWeb = await ReadUntilAsync(web, l => l.Contains("psst, frank", StringComparison.Ordinal));
        using (var json = JsonDocument.Parse(toWeb))
        {
            Assert.Equal("private", json.RootElement.GetProperty("kind").GetString());
            Assert.Equal("alice", json.RootElement.GetProperty("from").GetString());
        }

        Assert.Null(await web.SendLineAsync("/msg alice hello from the page"));
        await alice.WaitForContainsAsync("*private* <frank@web> hello from the page", Timeout);

        // The name alone reaches the web user too: "frank@web" is frank, one namespace.
        await alice.SendLineAsync("/msg frank second");
        await ReadUntilAsync(web, l => l.Contains("\"second\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_operator_kicks_a_web_user_by_the_name_who_shows_and_the_user_is_told()
    {
        await using var server = await TestServer.StartAsync(o => o.OperatorSecret = "hunter2");
        await using var op = await server.JoinAsync("op");
        await OperatorTests.OperAsync(op, "hunter2");
        await using var web = await server.Server.EnterWebUserAsync("spam", IPAddress.Loopback, "127.0.0.1:5000");

        await op.SendLineAsync("/kick spam@web flooding");
        await op.WaitForContainsAsync("spam@web left #lobby", Timeout);
        var kicked = await ReadUntilAsync(web, l => l.Contains("\"kicked\"", StringComparison.Ordinal));
        Assert.Contains("kicked by op: flooding", kicked, StringComparison.Ordinal);
        Assert.Null(await web.ReadLineAsync(new CancellationTokenSource(Timeout).Token));
        Assert.Contains("kicked by op", web.EndReason, StringComparison.Ordinal);
        Assert.NotNull(await web.SendLineAsync("still here?"));
        Assert.DoesNotContain(server.Server.GetSessions(), s => s.IsWeb);

        await op.SendLineAsync("/who");
        await op.WaitForContainsAsync("*** #lobby (1): op", Timeout);
    }

    [Fact]
    public async Task A_ban_on_the_name_ends_the_web_users_session_and_keeps_the_name_out()
    {
        await using var server = await TestServer.StartAsync(o => o.OperatorSecret = "hunter2");
        await using var op = await server.JoinAsync("op");
        await OperatorTests.OperAsync(op, "hunter2");
        await using var web = await server.Server.EnterWebUserAsync("spam", IPAddress.Loopback, "127.0.0.1:5000");

        await op.SendLineAsync("/ban spam");
        await op.WaitForContainsAsync("banned nick spam", Timeout);
        await ReadUntilAsync(web, l => l.Contains("\"kicked\"", StringComparison.Ordinal));
        Assert.Null(await web.ReadLineAsync(new CancellationTokenSource(Timeout).Token));
        Assert.NotNull(await web.SendLineAsync("after the ban"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.EnterWebUserAsync("spam", IPAddress.Loopback, "127.0.0.1:5001"));
        Assert.Contains("banned", refused.Message, StringComparison.Ordinal);

        // The tagged name bans the same user.
        await op.SendLineAsync("/ban eggs@web");
        await op.WaitForContainsAsync("banned nick eggs", Timeout);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.EnterWebUserAsync("eggs", IPAddress.Loopback, "127.0.0.1:5002"));
    }

    [Fact]
    public async Task An_address_ban_ends_a_web_user_from_that_address()
    {
        await using var server = await TestServer.StartAsync(o => o.OperatorSecret = "hunter2");
        await using var op = await server.JoinAsync("op");
        await OperatorTests.OperAsync(op, "hunter2");
        await using var web = await server.Server.EnterWebUserAsync("far", IPAddress.Parse("192.0.2.7"), "192.0.2.7:5000");

        await op.SendLineAsync("/ban 192.0.2.7");
        Assert.Null(await ReadToEndAsync(web));
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.EnterWebUserAsync("other", IPAddress.Parse("192.0.2.7"), "192.0.2.7:5001"));
    }

    [Fact]
    public async Task Web_and_tcp_users_share_one_namespace_of_nicks_compared_by_look()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");

        // A web user cannot be alice, nor look like her.
        var same = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.EnterWebUserAsync("alice", IPAddress.Loopback, "127.0.0.1:5000"));
        Assert.Contains("taken", same.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.EnterWebUserAsync("aIice", IPAddress.Loopback, "127.0.0.1:5000"));

        // And a TCP user cannot take a web user's name, nor one that looks like it.
        await using var web = await server.Server.EnterWebUserAsync("mallory", IPAddress.Loopback, "127.0.0.1:5001");
        await alice.SendLineAsync("/nick rnallory");
        await alice.WaitForContainsAsync("ERR nick-in-use the nick rnallory is taken: it looks like mallory@web", Timeout);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.EnterWebUserAsync("mallory", IPAddress.Loopback, "127.0.0.1:5002"));

        // Once the page goes, the name is free again.
        await web.DisposeAsync();
        await alice.SendLineAsync("/nick mallory");
        await alice.WaitForContainsAsync("alice is now known as mallory", Timeout);
    }

    [Fact]
    public async Task A_web_users_lines_meet_the_line_and_rate_limits_and_page_commands_are_refused()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxLineLength = 1024;
            o.RateLimitPerSecond = 0.5;
            o.RateLimitBurst = 3;
        });
        await using var alice = await server.JoinAsync("alice");
        await using var web = await server.Server.EnterWebUserAsync("frank", IPAddress.Loopback, "127.0.0.1:5000");

        Assert.Contains("1024 bytes", await web.SendLineAsync(new string('x', 4096)), StringComparison.Ordinal);
        Assert.Contains("done with the page", await web.SendLineAsync("/nick mallory"), StringComparison.Ordinal);
        Assert.Null(await web.SendLineAsync("one"));
        await alice.WaitForContainsAsync("<frank@web> one", Timeout);
        string? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            refused = await web.SendLineAsync($"line {i}");
        }

        Assert.Contains("too many lines", refused, StringComparison.Ordinal);
    }

    private static async Task<string> ReadUntilAsync(ChatWebUser user, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (await user.ReadLineAsync(timeout.Token) is { } line)
        {
            if (match(line))
            {
                return line;
            }
        }

        throw new Xunit.Sdk.XunitException("the web user's session ended before the line came");
    }

    private static async Task<string?> ReadToEndAsync(ChatWebUser user)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (await user.ReadLineAsync(timeout.Token) is not null)
        {
        }

        return null;
    }
}
