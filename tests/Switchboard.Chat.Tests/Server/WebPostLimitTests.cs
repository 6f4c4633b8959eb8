using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// The issue's "web chat users bypass the line limit and the rate limit" and "after /ban spam the page still
/// posts": posts from the web console's chat page meet the limits of every other way in.
/// </summary>
public sealed class WebPostLimitTests
{
    [Fact]
    public async Task A_web_post_longer_than_a_chat_line_is_refused_and_not_stored()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxLineLength = 8 * 1024);
        var before = server.Server.StoreStats.LastId;
        var error = await Assert.ThrowsAsync<ArgumentException>(() => server.Server.PostAsync("spam", "lobby", new string('x', 200 * 1024)));
        Assert.Contains("8192 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, server.Server.StoreStats.LastId);

        // A line at the limit goes through.
        await server.Server.PostAsync("spam", "lobby", new string('x', 8 * 1024));
    }

    [Fact]
    public async Task A_web_user_is_held_to_the_chat_rate_limit()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.RateLimitPerSecond = 0.5;
            o.RateLimitBurst = 5;
        });
        await using var reader = await server.JoinAsync("reader");
        var accepted = 0;
        var refused = 0;
        for (var i = 0; i < 50; i++)
        {
            try
            {
                await server.Server.PostAsync("spam", "lobby", $"line {i}");
                accepted++;
            }
            catch (InvalidOperationException ex)
            {
                Assert.Contains("too many lines", ex.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        // The burst, and perhaps one more refilled while the loop ran on a slow machine.
        Assert.InRange(accepted, 5, 7);
        Assert.Equal(50 - accepted, refused);

        // Another web user has a bucket of its own.
        await server.Server.PostAsync("someone", "lobby", "hello");
        await reader.WaitForContainsAsync("<someone@web> hello");
    }

    [Fact]
    public async Task A_banned_name_cannot_post_from_the_web()
    {
        await using var server = await TestServer.StartAsync();
        await server.Server.PostAsync("spam", "lobby", "before the ban");
        await server.Server.BanAsync("spam", "spamming", "test");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.PostAsync("spam", "lobby", "after the ban"));
        Assert.Contains("banned", error.Message, StringComparison.Ordinal);
        var history = await server.Server.GetHistoryAsync("lobby");
        Assert.DoesNotContain(history, m => m.Text == "after the ban");
    }
}
