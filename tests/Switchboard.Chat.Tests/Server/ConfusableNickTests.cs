using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>The lookalike nicks over the wire: aIice beside alice and rnallory beside mallory are refused.</summary>
public sealed class ConfusableNickTests
{
    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_nick_that_looks_like_one_in_use_is_refused_and_says_which()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await using var mallory = await server.JoinAsync("mallory");
        await using var eve = await server.ConnectAsync();
        await eve.WaitForContainsAsync("Welcome", Moment);

        await eve.SendLineAsync("/nick aIice");
        Assert.Contains("looks like alice", await eve.WaitForContainsAsync("ERR nick-in-use", Moment), StringComparison.Ordinal);
        await eve.SendLineAsync("/nick rnallory");
        Assert.Contains("looks like mallory", await eve.WaitForContainsAsync("ERR nick-in-use the nick rnallory", Moment), StringComparison.Ordinal);
        await eve.SendLineAsync("/nick ALICE");
        await eve.WaitForContainsAsync("ERR nick-in-use the nick ALICE is taken", Moment);

        // A nick that only shares letters is free, and private messages reach the one holder of a look.
        await eve.SendLineAsync("/nick alicia");
        await eve.WaitForContainsAsync("is now known as alicia", Moment);
        Assert.DoesNotContain(server.Server.GetSessions(), s => s.Nick is "aIice" or "rnallory");

        // Once alice has let it go, the look is free again.
        await alice.SendLineAsync("/nick alice2");
        await alice.WaitForContainsAsync("is now known as alice2", Moment);
        await eve.SendLineAsync("/nick aIice");
        await eve.WaitForContainsAsync("is now known as aIice", Moment);
    }
}
