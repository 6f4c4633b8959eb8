using System.Net;
using System.Text;
using System.Text.Json;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// The "the same limits apply to every way in": a web chat page's user is held to FloodDisconnectAfter,
/// MaxInvalidLines and IdleTimeout as a connection is, and is disconnected with the notice a TCP user gets (the
/// page reads it, then its session's end). Each test sets small limits and puts a TCP user through the same.
/// </summary>
public sealed class WebInputLimitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_web_user_who_floods_past_the_limit_is_told_and_disconnected_as_a_connection_is()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            // Next to no refill: every line past the burst is dropped, however slowly the machine runs.
            o.RateLimitPerSecond = 0.01;
            o.RateLimitBurst = 2;
            o.FloodDisconnectAfter = 5;
        });
        await using var alice = await server.JoinAsync("alice");

        // A connection that floods: 12 lines at once.
        await using var spam = await server.ConnectAsync();
        await spam.WaitForContainsAsync("Welcome", Timeout);
        await spam.SendAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 12).Select(i => $"spam {i}\n"))));
        var tcpNotice = await spam.WaitForAsync(l => l.StartsWith("ERR flood ", StringComparison.Ordinal), Timeout);
        await spam.WaitClosedAsync(Timeout);

        // A web user that floods: the burst goes ahead, the drops are refused, the fifth drop in a row closes it.
        await using var web = await server.Server.EnterWebUserAsync("frank", IPAddress.Loopback, "127.0.0.1:5000");
        var answers = new List<string?>();
        for (var i = 0; i < 7; i++)
        {
            answers.Add(await web.SendLineAsync($"flood {i}"));
        }

        Assert.Equal([null, null], answers.Take(2));
        Assert.All(answers.Skip(2).Take(4), a => Assert.Contains("too many lines", a, StringComparison.Ordinal));
        Assert.Equal("5 lines over the rate limit; closing", answers[6]);

        var notice = await ReadErrorAsync(web, "flood");
        Assert.Equal(tcpNotice, $"ERR flood {notice}");
        Assert.Null(await web.ReadLineAsync(new CancellationTokenSource(Timeout).Token));
        Assert.Equal("flood", web.EndReason);
        Assert.NotNull(await web.SendLineAsync("still here?"));
        await alice.WaitForContainsAsync("frank@web left #lobby (flood)", Timeout);
        Assert.DoesNotContain(server.Server.GetSessions(), s => s.IsWeb);
    }

    [Fact]
    public async Task A_web_user_who_sends_max_invalid_lines_is_told_and_disconnected_as_a_connection_is()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxInvalidLines = 3;
            o.MaxLineLength = 1024;
        });
        await using var alice = await server.JoinAsync("alice");

        await using var nul = await server.ConnectAsync();
        await nul.WaitForContainsAsync("Welcome", Timeout);
        await nul.SendAsync(Encoding.UTF8.GetBytes("a\0b\nc\0d\ne\0f\n"));
        var tcpNotice = await nul.WaitForAsync(l => l.StartsWith("ERR nul-byte 3 ", StringComparison.Ordinal), Timeout);
        await nul.WaitClosedAsync(Timeout);

        // A NUL byte and an over-long post are invalid; a good line in between does not clear the count (as on a connection).
        await using var web = await server.Server.EnterWebUserAsync("frank", IPAddress.Loopback, "127.0.0.1:5000");
        Assert.Equal("line dropped: it contains a NUL byte", await web.SendLineAsync("a\0b"));
        Assert.Null(await web.SendLineAsync("fine"));
        await alice.WaitForContainsAsync("<frank@web> fine", Timeout);
        Assert.Equal("line longer than 1024 bytes; not posted", await web.SendLineAsync(new string('x', 2048)));
        Assert.Equal("3 invalid lines; closing", await web.SendLineAsync("e\0f"));

        var notice = await ReadErrorAsync(web, "nul-byte");
        Assert.Equal(tcpNotice, $"ERR nul-byte {notice}");
        Assert.Null(await web.ReadLineAsync(new CancellationTokenSource(Timeout).Token));
        Assert.Equal("too many invalid lines (nul-byte)", web.EndReason);
        await alice.WaitForContainsAsync("frank@web left #lobby (too many invalid lines (nul-byte))", Timeout);
        Assert.DoesNotContain(server.Server.GetSessions(), s => s.IsWeb);
    }

    [Fact]
    public async Task A_web_user_idle_past_the_idle_timeout_is_told_and_disconnected_as_a_connection_is()
    {
        await using var server = await TestServer.StartAsync(o => o.IdleTimeout = TimeSpan.FromSeconds(3));

        // A connection and a web user that both say nothing after they arrive: both are told, and closed.
        await using var quiet = await server.ConnectAsync();
        await using var web = await server.Server.EnterWebUserAsync("frank", IPAddress.Loopback, "127.0.0.1:5000");

        var tcpNotice = await quiet.WaitForAsync(l => l.StartsWith("ERR idle-timeout ", StringComparison.Ordinal), Timeout);
        await quiet.WaitClosedAsync(Timeout);
        var notice = await ReadErrorAsync(web, "idle-timeout");
        Assert.Equal("nothing received for 3 s; closing", notice);
        Assert.Equal(tcpNotice, $"ERR idle-timeout {notice}");
        Assert.Null(await web.ReadLineAsync(new CancellationTokenSource(Timeout).Token));
        Assert.Equal("idle timeout", web.EndReason);
        // The page's stream ends first; the session is forgotten just after (the other tests see its part notice,
        // which follows the forgetting, before they look).
        await Processes.TestWait.UntilAsync(() => !server.Server.GetSessions().Any(s => s.IsWeb), Timeout, "the web session forgotten");
    }

    // Reads the web user's lines up to its error with this code; returns the error's text.
    private static async Task<string> ReadErrorAsync(ChatWebUser user, string code)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (await user.ReadLineAsync(timeout.Token) is { } line)
        {
            using var json = JsonDocument.Parse(line);
            var o = json.RootElement;
            if (o.GetProperty("type").GetString() == "error" && o.GetProperty("code").GetString() == code)
            {
                return o.GetProperty("text").GetString()!;
            }
        }

        throw new Xunit.Sdk.XunitException($"the web user's session ended without an error \"{code}\"");
    }
}
