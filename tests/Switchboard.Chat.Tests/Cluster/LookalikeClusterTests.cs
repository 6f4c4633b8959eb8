using System.Net;
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
    public async Task Web_users_and_connections_on_different_nodes_are_one_namespace_and_a_refused_lookalike_is_told_whose_look_it_has()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var a = await StartNodeAsync(database, "a");
        await using var b = await StartNodeAsync(database, "b");
        await using var alice = await a.JoinAsync("alice");

        // A web user on b cannot be alice of a, nor look like her; told whom it looks like, as on one node.
        var same = await Assert.ThrowsAsync<InvalidOperationException>(() => b.Server.EnterWebUserAsync("alice", IPAddress.Loopback, "127.0.0.1:5000"));
        Assert.Equal("the nick alice@web is taken: it looks like alice", same.Message);
        var lookalike = await Assert.ThrowsAsync<InvalidOperationException>(() => b.Server.EnterWebUserAsync("aIice", IPAddress.Loopback, "127.0.0.1:5001"));
        Assert.Equal("the nick aIice@web is taken: it looks like alice", lookalike.Message);

        // A connection on b is told the same for a look-alike of a connection on a.
        await using var eve = await b.ConnectAsync();
        await eve.WaitForContainsAsync("Welcome", Moment);
        await eve.SendLineAsync("/nick aIice");
        await eve.WaitForContainsAsync("ERR nick-in-use the nick aIice is taken: it looks like alice", Moment);

        // And a web user on a keeps its name and look-alikes from connections on b.
        await using var mallory = await a.Server.EnterWebUserAsync("mallory", IPAddress.Loopback, "127.0.0.1:5002");
        await eve.SendLineAsync("/nick mallory");
        await eve.WaitForContainsAsync("ERR nick-in-use the nick mallory is taken: it looks like mallory@web", Moment);
        await eve.SendLineAsync("/nick rnallory");
        await eve.WaitForContainsAsync("ERR nick-in-use the nick rnallory is taken: it looks like mallory@web", Moment);
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => b.Server.EnterWebUserAsync("MALL0RY", IPAddress.Loopback, "127.0.0.1:5003"));
        Assert.Equal("the nick MALL0RY@web is taken: it looks like mallory@web", twice.Message);

        // Once the page goes, its name is free on the other node.
        await mallory.DisposeAsync();
        await eve.SendLineAsync("/nick rnallory");
        await eve.WaitForContainsAsync("is now known as rnallory", Moment);
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
