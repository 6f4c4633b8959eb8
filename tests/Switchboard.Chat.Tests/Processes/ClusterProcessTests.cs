using Npgsql;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>The real <c>switchboard serve --postgres</c> as a node of a cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterProcessTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_killed_nodes_users_expire_and_the_password_is_never_printed()
    {
        const string Secret = "not-to-be-printed";
        // Trust authentication ignores the password; it is here to see that nothing echoes it.
        var database = new NpgsqlConnectionStringBuilder(await postgres.Server.CreateDatabaseAsync()) { Password = Secret }.ToString();
        using var data = new TempDirectory();
        // Short, so the test does not wait the default 15 s, but not so short that a live node on a loaded machine
        // misses its heartbeats (a third of it) and has its users dropped before the kill: 3 s was.
        var environment = new Dictionary<string, string> { ["SWITCHBOARD_Chat__PresenceTimeout"] = "00:00:10" };
        var (process, port) = await SwitchboardCli.StartServerAsync(data.Path, environment: environment, moreArguments: ["--postgres", database, "--node", "doomed"]);
        using (process)
        {
            await using var other = await TestServer.StartAsync(o =>
            {
                o.Postgres = database;
                o.NodeName = "survivor";
                o.PresenceTimeout = TimeSpan.FromSeconds(10);
            });
            await using var alice = await LineClient.ConnectAsync(port);
            await alice.WaitForContainsAsync("Welcome");
            await alice.SendLineAsync("/nick alice");
            await alice.WaitForContainsAsync("is now known as alice");
            await using var bob = await other.JoinAsync("bob");
            await alice.SendLineAsync("before the crash");
            await bob.WaitForContainsAsync("<alice> before the crash");
            await bob.SendLineAsync("/nick alice");
            await bob.WaitForContainsAsync("ERR nick-in-use");

            process.Kill();
            await alice.WaitClosedAsync();

            // The dead node stops heartbeating; within the timeout (10 s here, 15 s by default) its nicks are free.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var taken = false;
            while (!taken && DateTime.UtcNow < deadline)
            {
                var from = bob.Lines.Count;
                await bob.SendLineAsync("/nick alice");
                var answer = await bob.WaitForAsync(l => l.Contains("ERR nick-in-use", StringComparison.Ordinal) || l.Contains("is now known as alice", StringComparison.Ordinal), fromIndex: from);
                taken = answer.Contains("is now known as alice", StringComparison.Ordinal);
                if (!taken)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(taken, "the killed node's nick was never freed");
            await process.WaitForExitAsync(TimeSpan.FromSeconds(10));
            Assert.DoesNotContain(Secret, string.Join('\n', process.Output) + process.Errors, StringComparison.Ordinal);
            Assert.Contains(process.Errors.Split('\n'), l => l.Contains("postgresql://postgres@127.0.0.1", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_malformed_connection_string_is_bad_usage()
    {
        using var process = SwitchboardCli.Start(["serve", "--port", "0", "--postgres", "Host=127.0.0.1;Port=notaport"]);
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--postgres", process.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Errors, StringComparison.Ordinal);
    }
}
