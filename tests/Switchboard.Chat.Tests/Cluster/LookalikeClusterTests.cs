using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Cluster;

/// <summary>
/// Look-alike nicks across the nodes of one PostgreSQL database: presence compares skeletons, so alice on one node
/// keeps aIice out on another, and a ban of a nick on one node reaches its look-alikes on every node.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LookalikeClusterTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_nick_on_one_node_keeps_its_lookalikes_out_on_another()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var a = await StartNodeAsync(database, "a");
        await using var b = await StartNodeAsync(database, "b");
        await using var alice = await a.JoinAsync("alice");
        await using var mallory = await a.JoinAsync("mallory");

        await using var eve = await b.ConnectAsync();
        await eve.WaitForContainsAsync("Welcome", Moment);
        foreach (var lookalike in new[] { "aIice", "a1ice", "rnallory", "MALL0RY" })
        {
            var before = eve.Lines.Count;
            await eve.SendLineAsync("/nick " + lookalike);
            await eve.WaitForAsync(l => l.StartsWith($"ERR nick-in-use the nick {lookalike} is taken", StringComparison.Ordinal), Moment, $"{lookalike} refused", fromIndex: before);
        }

        // A private message to a look reaches its one holder, as on a single node.
        await eve.SendLineAsync("/msg aIice hello from b");
        await alice.WaitForContainsAsync("*private* <guest", Moment);

        // Once alice has gone, her look is free on the other node.
        await alice.SendLineAsync("/quit");
        await alice.WaitClosedAsync(Moment);
        await eve.SendLineAsync("/nick aIice");
        await eve.WaitForContainsAsync("is now known as aIice", Moment);

        // And now alice's own spelling is taken by look, back on the first node.
        await using var late = await a.ConnectAsync();
        await late.WaitForContainsAsync("Welcome", Moment);
        await late.SendLineAsync("/nick alice");
        await late.WaitForContainsAsync("ERR nick-in-use the nick alice is taken", Moment);
    }

    [Fact]
    public async Task A_ban_on_one_node_disconnects_a_lookalike_on_another_and_keeps_the_look_out()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var a = await StartNodeAsync(database, "a");
        await using var b = await StartNodeAsync(database, "b");
        await using var op = await a.JoinAsync("op");
        await using var eve = await b.JoinAsync("aIice");
        await OperatorTestsOper(op);

        await op.SendLineAsync("/ban alice impersonation");
        await eve.WaitForContainsAsync("ERR kicked", Moment);
        await eve.WaitClosedAsync(Moment);

        await using var again = await b.ConnectAsync();
        await again.WaitForContainsAsync("Welcome", Moment);
        await again.SendLineAsync("/nick a1ice");
        await again.WaitForContainsAsync("ERR nick-banned", Moment);
    }

    private static Task OperatorTestsOper(LineClient op) => Server.OperatorTests.OperAsync(op, "hunter2");

    private static Task<TestServer> StartNodeAsync(string database, string node) => TestServer.StartAsync(o =>
    {
        o.Postgres = database;
        o.NodeName = node;
        o.OperatorSecret = "hunter2";
    });
}
