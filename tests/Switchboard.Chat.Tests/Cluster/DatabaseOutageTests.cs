using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Cluster;

/// <summary>PostgreSQL goes away for a few seconds under two nodes: they keep their clients and carry on after.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseOutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Nodes_keep_their_clients_refuse_lines_clearly_and_resume_in_order()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        using var log = new RecordingLogger();
        await using var a = await TestServer.StartAsync(o => { o.Postgres = database; o.NodeName = "a"; }, loggerFactory: log.CreateFactory());
        await using var b = await TestServer.StartAsync(o => { o.Postgres = database; o.NodeName = "b"; });
        await using var alice = await a.JoinAsync("alice");
        await using var bob = await b.JoinAsync("bob");
        await alice.SendLineAsync("before");
        await bob.WaitForContainsAsync("<alice> before");

        await postgres.Server.StopAsync();
        try
        {
            var from = alice.Lines.Count;
            await alice.SendLineAsync("during");
            await alice.WaitForAsync(l => l.StartsWith("ERR store-unavailable", StringComparison.Ordinal), fromIndex: from);
            await bob.SendLineAsync("/who");
            await bob.WaitForContainsAsync("ERR store-unavailable");
            // The outage the issue asks about: about five seconds.
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }

        // Lines sent right after the restart may still meet a connection the database dropped; each such line is
        // refused (never half-stored), so keep sending until one goes through.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var sent = new List<string>();
        while (!bob.Lines.Any(l => l.Contains("<alice> after", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            var line = $"after{sent.Count}";
            sent.Add(line);
            await alice.SendLineAsync(line);
            await Task.Delay(300);
        }

        await alice.SendLineAsync("last");
        await bob.WaitForContainsAsync("<alice> last", TimeSpan.FromSeconds(30));
        await bob.SendLineAsync("reply");
        await alice.WaitForContainsAsync("<bob> reply", TimeSpan.FromSeconds(30));
        Assert.False(alice.IsClosed);
        Assert.False(bob.IsClosed);
        // The outage is logged once (commits, notifications), not once per refused line.
        Assert.Equal(1, log.Count(100));
        Assert.Equal(1, log.Count(102));
        Assert.Equal(1, log.Count(103));

        var seen = bob.Lines.Where(l => l.Contains("#lobby <alice> ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("<alice> ", StringComparison.Ordinal) + 8)..]).ToList();
        Assert.DoesNotContain("during", seen);
        Assert.Equal("before", seen[0]);
        Assert.Equal("last", seen[^1]);
        // Whatever got through arrived once and in the order sent.
        var after = seen.Skip(1).SkipLast(1).ToList();
        Assert.Equal(after.Distinct().Count(), after.Count);
        Assert.Equal(after.OrderBy(s => int.Parse(s[5..], System.Globalization.CultureInfo.InvariantCulture)), after);

        // And the history on the other node agrees with what was delivered.
        var from2 = alice.Lines.Count;
        await alice.SendLineAsync("/history 100");
        await alice.WaitForAsync(l => l.Contains("end of history", StringComparison.Ordinal), fromIndex: from2);
        var history = alice.Lines.Skip(from2).Where(l => l.Contains("<alice> ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("<alice> ", StringComparison.Ordinal) + 8)..]).ToList();
        Assert.Equal(seen, history);
    }
}
