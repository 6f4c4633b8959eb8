using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>The issue's first "done when": three plain line clients chat in the lobby; /msg reaches only its target.</summary>
public sealed class ThreeClientsTests
{
    [Fact]
    public async Task Three_raw_clients_chat_in_the_lobby_and_msg_reaches_only_its_target()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await using var bob = await server.JoinAsync("bob");
        await using var carol = await server.JoinAsync("carol");

        await alice.SendLineAsync("hello from alice");
        await bob.SendLineAsync("hello from bob");
        await carol.SendLineAsync("hello from carol");

        foreach (var (client, others) in new[] { (alice, new[] { "bob", "carol" }), (bob, new[] { "alice", "carol" }), (carol, new[] { "alice", "bob" }) })
        {
            foreach (var other in others)
            {
                var line = await client.WaitForContainsAsync($"<{other}> hello from {other}");
                Assert.Matches(@"^\[\d\d:\d\d:\d\d\] #lobby <", line);
            }
        }

        await alice.SendLineAsync("/msg bob psst only for bob");
        await bob.WaitForContainsAsync("*private* <alice> psst only for bob");
        await alice.WaitForContainsAsync("*private to bob* <alice> psst only for bob");

        // Carol gets alice's next public line, which was sent after the private one: had the private line
        // been relayed to her, it would have arrived first.
        await alice.SendLineAsync("public again");
        await carol.WaitForContainsAsync("<alice> public again");
        Assert.DoesNotContain(carol.Lines, l => l.Contains("psst", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nicks_are_unique_and_errors_have_a_prefix()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await using var other = await server.ConnectAsync();
        await other.SendLineAsync("/nick ALICE");
        await other.WaitForContainsAsync("ERR nick-in-use");
        await other.SendLineAsync("/nick 9lives");
        await other.WaitForContainsAsync("ERR bad-nick");
        await other.SendLineAsync("/join #no spaces");
        await other.WaitForContainsAsync("ERR bad-arguments");
        await other.SendLineAsync("/frobnicate");
        await other.WaitForContainsAsync("ERR unknown-command");
        await other.SendLineAsync("/history 10001");
        await other.WaitForContainsAsync("ERR bad-arguments");
    }

    [Fact]
    public async Task Rooms_keep_conversations_apart_and_list_members()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await using var bob = await server.JoinAsync("bob");
        await using var carol = await server.JoinAsync("carol");

        await alice.SendLineAsync("/join #dev");
        // Alice must be in #dev before bob joins, or she would never see him arrive.
        await alice.WaitForContainsAsync("alice joined #dev");
        await bob.SendLineAsync("/join dev");
        await alice.WaitForContainsAsync("bob joined #dev");
        await alice.SendLineAsync("/topic shipping today");
        await bob.WaitForContainsAsync("#dev topic: shipping today (set by alice)");
        await bob.SendLineAsync("/me nods");
        await alice.WaitForContainsAsync("#dev * bob nods");
        await carol.SendLineAsync("/rooms");
        await carol.WaitForContainsAsync("#dev (2 members) shipping today");
        await carol.WaitForContainsAsync("#lobby (1 member)");
        await carol.SendLineAsync("/who dev");
        await carol.WaitForContainsAsync("#dev (2): alice bob");
        await carol.SendLineAsync("lobby only");
        await alice.SendLineAsync("dev only");
        await bob.WaitForContainsAsync("<alice> dev only");
        Assert.DoesNotContain(bob.Lines, l => l.Contains("lobby only", StringComparison.Ordinal));

        // Joining replays recent history; /history N shows the room's stored lines.
        await using var dave = await server.JoinAsync("dave");
        await dave.SendLineAsync("/join dev");
        await dave.WaitForContainsAsync("<alice> dev only");
        await dave.SendLineAsync("/history 10000");
        await dave.WaitForContainsAsync("history of #dev: 2 messages");
        await dave.WaitForContainsAsync("end of history");
        await dave.SendLineAsync("/part");
        await dave.WaitForContainsAsync("dave joined #lobby");
    }
}
