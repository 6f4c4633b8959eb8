using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// The look-alike nicks, applied to bans: a ban of a nick keeps out every nick that looks like it (aIice,
/// a1ice, ALICE for alice), on the wire and from the web page, and one ban per look is kept across restarts.
/// </summary>
public sealed class LookalikeBanTests
{
    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_nick_ban_covers_its_lookalikes_and_one_unban_lifts_it()
    {
        var data = new TempDirectory();
        try
        {
            await using (var server = await TestServer.StartAsync(o => o.OperatorSecret = "hunter2", data))
            {
                await using var op = await server.JoinAsync("op");
                await using var eve = await server.JoinAsync("aIice");
                await OperatorTests.OperAsync(op, "hunter2");

                // Banning the plain spelling disconnects whoever holds its look.
                await op.SendLineAsync("/ban alice impersonation");
                await eve.WaitForContainsAsync("ERR kicked", Moment);
                await eve.WaitClosedAsync(Moment);

                await using var again = await server.ConnectAsync();
                await again.WaitForContainsAsync("Welcome", Moment);
                foreach (var lookalike in new[] { "alice", "ALICE", "a1ice", "aIice", "alIce" })
                {
                    var before = again.Lines.Count;
                    await again.SendLineAsync("/nick " + lookalike);
                    await again.WaitForAsync(l => l.Contains($"ERR nick-banned the nick {lookalike}", StringComparison.Ordinal), Moment, $"a ban of {lookalike}", fromIndex: before);
                }

                await Assert.ThrowsAnyAsync<InvalidOperationException>(() => server.Server.PostAsync("a1ice", "lobby", "from the web"));

                // A nick that only shares letters is not banned.
                await again.SendLineAsync("/nick alicia");
                await again.WaitForContainsAsync("is now known as alicia", Moment);

                // A second ban of the same look replaces the first, so one unban (of any spelling) lifts it for good.
                await op.SendLineAsync("/ban aIice");
                await op.WaitForContainsAsync("banned nick aIice", Moment);
                Assert.Single(server.Server.GetBans(), b => b.Kind == "nick");
                await op.SendLineAsync("/unban ALICE");
                await op.WaitForContainsAsync("unbanned ALICE", Moment);
            }

            await using (var server = await TestServer.StartAsync(o => o.OperatorSecret = "hunter2", data))
            {
                Assert.DoesNotContain(server.Server.GetBans(), b => b.Kind == "nick");
                await using var back = await server.JoinAsync("aIice");
            }
        }
        finally
        {
            data.Dispose();
        }
    }
}
