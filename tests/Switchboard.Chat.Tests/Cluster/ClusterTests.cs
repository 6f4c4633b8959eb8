using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Cluster;

/// <summary>Several chat nodes on one PostgreSQL database behave as one server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Users_on_two_nodes_talk_see_each_other_and_message_privately()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var a = await StartNodeAsync(database, "a");
        await using var b = await StartNodeAsync(database, "b");
        await using var alice = await a.JoinAsync("alice");
        await using var bob = await b.JoinAsync("bob");

        await alice.SendLineAsync("hello from a");
        await bob.WaitForContainsAsync("#lobby <alice> hello from a");
        await bob.SendLineAsync("hi from b");
        await alice.WaitForContainsAsync("#lobby <bob> hi from b");

        await alice.SendLineAsync("/who");
        await alice.WaitForContainsAsync("#lobby (2): alice bob");

        await bob.SendLineAsync("/msg alice psst");
        await alice.WaitForContainsAsync("*private* <bob> psst");
        await bob.WaitForContainsAsync("*private to alice* <bob> psst");

        await using var mallory = await b.ConnectAsync();
        await mallory.WaitForContainsAsync("Welcome");
        await mallory.SendLineAsync("/nick ALICE");
        await mallory.WaitForContainsAsync("ERR nick-in-use");

        // A nick freed on one node can be taken on the other.
        await alice.SendLineAsync("/quit");
        await alice.WaitClosedAsync();
        await mallory.SendLineAsync("/nick alice");
        await mallory.WaitForContainsAsync("is now known as alice");
    }

    [Fact]
    public async Task Operators_act_across_three_nodes_and_history_is_the_same_everywhere()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var a = await StartNodeAsync(database, "a");
        await using var b = await StartNodeAsync(database, "b");
        await using var c = await StartNodeAsync(database, "c");
        await using var op = await a.JoinAsync("op");
        await using var watcher = await b.JoinAsync("watcher");
        await using var troll = await b.JoinAsync("troll");
        await using var victim = await c.JoinAsync("victim");
        await op.SendLineAsync("/oper hunter2");
        await op.WaitForContainsAsync("you are now an operator");

        await op.SendLineAsync("/kick victim bye");
        await victim.WaitForContainsAsync("ERR kicked kicked by op: bye");
        await victim.WaitClosedAsync();
        await op.WaitForContainsAsync("kicked victim");

        await op.SendLineAsync("/ban troll flooding");
        await troll.WaitForContainsAsync("ERR kicked");
        await troll.WaitClosedAsync();
        await using (var again = await c.ConnectAsync())
        {
            await again.WaitForContainsAsync("Welcome");
            await again.SendLineAsync("/nick troll");
            await again.WaitForContainsAsync("ERR nick-banned");
        }

        await op.SendLineAsync("/topic cluster wide");
        await watcher.WaitForContainsAsync("#lobby topic: cluster wide (set by op)");
        await op.SendLineAsync("/announce hear ye");
        await watcher.WaitForContainsAsync("ANNOUNCEMENT from op: hear ye");

        await watcher.SendLineAsync("/join den");
        await watcher.WaitForContainsAsync("watcher joined #den");
        await op.SendLineAsync("/rooms");
        await op.WaitForContainsAsync("#den (1 member)");
        await op.WaitForAsync(l => l.Contains("#lobby (", StringComparison.Ordinal) && l.EndsWith(" cluster wide", StringComparison.Ordinal));

        // Lines said on different nodes get one order, the same on every node.
        await using var x = await a.JoinAsync("x");
        await using var y = await c.JoinAsync("y");
        for (var i = 0; i < 5; i++)
        {
            await x.SendLineAsync($"x{i}");
            await y.SendLineAsync($"y{i}");
        }

        await x.WaitForContainsAsync("<y> y4");
        await y.WaitForContainsAsync("<x> x4");
        var onA = await HistoryAsync(x);
        var onC = await HistoryAsync(y);
        Assert.Equal(11, onA.Count(l => l.Contains("<x> x", StringComparison.Ordinal) || l.Contains("<y> y", StringComparison.Ordinal) || l.Contains("hear ye", StringComparison.Ordinal)));
        Assert.Equal(onA, onC);
    }

    [Fact]
    public async Task Join_part_and_nick_notices_reach_the_members_on_every_node()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var a = await StartNodeAsync(database, "a");
        await using var b = await StartNodeAsync(database, "b");
        await using var alice = await a.JoinAsync("alice");

        // A newcomer on b: alice on a sees the guest arrive in the lobby and take a nick.
        await using var bob = await b.ConnectAsync();
        var guest = (await bob.WaitForAsync(l => l.Contains("Welcome", StringComparison.Ordinal))).Split(' ').First(w => w.StartsWith("guest", StringComparison.Ordinal)).TrimEnd('.', ',', '!');
        await alice.WaitForContainsAsync($"*** {guest} joined #lobby");
        await bob.SendLineAsync("/nick bob");
        await alice.WaitForContainsAsync($"*** {guest} is now known as bob");

        // Rooms: joins and parts on one node are told on the other, to that room's members only.
        await using var carol = await b.JoinAsync("carol");
        await bob.SendLineAsync("/join den");
        await alice.WaitForContainsAsync("*** bob left #lobby");
        await alice.SendLineAsync("/join den");
        await bob.WaitForContainsAsync("*** alice joined #den");
        await carol.WaitForContainsAsync("*** alice left #lobby");
        await carol.SendLineAsync("/ping");
        await carol.WaitForContainsAsync("pong");
        Assert.DoesNotContain(carol.Lines, l => l.Contains("joined #den", StringComparison.Ordinal));
        await alice.SendLineAsync("/nick alicia");
        await bob.WaitForContainsAsync("*** alice is now known as alicia");
        await alice.SendLineAsync("/part");
        await bob.WaitForContainsAsync("*** alicia left #den");

        // A quit is a part with its reason; bob, back in the lobby, sees it.
        await bob.SendLineAsync("/part");
        await alice.WaitForContainsAsync("*** bob joined #lobby");
        await alice.SendLineAsync("/quit gone");
        await bob.WaitForContainsAsync("*** alicia left #lobby (quit: gone)");
    }

    private static async Task<List<string>> HistoryAsync(LineClient client)
    {
        var from = client.Lines.Count;
        await client.SendLineAsync("/history 50");
        await client.WaitForAsync(l => l.Contains("end of history", StringComparison.Ordinal), fromIndex: from);
        var lines = client.Lines.Skip(from).ToList();
        var start = lines.FindIndex(l => l.Contains("history of #lobby", StringComparison.Ordinal));
        var end = lines.FindIndex(l => l.Contains("end of history", StringComparison.Ordinal));
        return lines[(start + 1)..end];
    }

    private static Task<TestServer> StartNodeAsync(string database, string node) => TestServer.StartAsync(o =>
    {
        o.Postgres = database;
        o.NodeName = node;
        o.OperatorSecret = "hunter2";
    });
}
