using System.Text.RegularExpressions;
using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>
/// The issue's failover "done when": SIGKILL a node during a burst from six senders on it; the senders' terminal
/// clients move to the other node and carry on, and /history there holds every line any client saw, exactly once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class FailoverTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Senders = 6;
    private const int LinesEach = 200;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Senders_fail_over_to_another_node_and_history_holds_every_line_seen_exactly_once()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            // This test is about failover, not flood control.
            ["SWITCHBOARD_Chat__RateLimitPerSecond"] = "5000",
            ["SWITCHBOARD_Chat__RateLimitBurst"] = "5000",
        };
        var (doomed, doomedPort) = await SwitchboardCli.StartServerAsync(data.Path, environment: environment, moreArguments: ["--postgres", database, "--node", "doomed"]);
        var senders = new List<ChildProcess>();
        try
        {
            await using var survivor = await TestServer.StartAsync(o =>
            {
                o.Postgres = database;
                o.NodeName = "survivor";
                o.RateLimitPerSecond = 5000;
                o.RateLimitBurst = 5000;
                o.MaxHistory = 10_000;
            });
            await using var watcher = await survivor.JoinAsync("watcher");
            for (var i = 0; i < Senders; i++)
            {
                // A generous connect timeout: with the default 3 s a sender whose first connect ran late on a loaded
                // machine (a fresh process compiling its connect path) moved on to the survivor before the kill, and
                // then never lost its node.
                senders.Add(SwitchboardCli.Start(["chat", $"127.0.0.1:{doomedPort},127.0.0.1:{survivor.Port}", "--nick", $"s{i}", "--timeout", "60s"]));
            }

            // Every sender is on the doomed node, in the lobby, before the burst starts.
            for (var i = 0; i < Senders; i++)
            {
                await senders[i].WaitForOutputAsync(l => l.Contains($"connected to 127.0.0.1:{doomedPort} as", StringComparison.Ordinal), Timeout, $"s{i} on the doomed node");
            }

            await WaitForWhoAsync(watcher, Enumerable.Range(0, Senders).Select(i => $"s{i}"));

            // The first half of the burst goes out as fast as the clients take it; the node dies in the middle of it.
            var firstHalf = senders.Select((sender, i) => TypeAsync(sender, i, 0, LinesEach / 2)).ToList();
            await watcher.WaitForAsync(l => l.EndsWith("burst s0 20", StringComparison.Ordinal), Timeout, "the burst under way");
            doomed.Kill();
            await Task.WhenAll(firstHalf);
            // The second half is typed after the kill: it can only go through the other node.
            await Task.WhenAll(senders.Select((sender, i) => TypeAsync(sender, i, LinesEach / 2, LinesEach)));

            // Each sender notices, moves to the survivor, and carries on there: its last line arrives.
            for (var i = 0; i < Senders; i++)
            {
                await senders[i].WaitForOutputAsync(l => l.Contains($"disconnected from 127.0.0.1:{doomedPort}", StringComparison.Ordinal), Timeout, $"s{i} losing its node");
                await senders[i].WaitForOutputAsync(l => l.Contains($"connected to 127.0.0.1:{survivor.Port} as", StringComparison.Ordinal), Timeout, $"s{i} on the survivor");
                await senders[i].WriteLineAsync($"burst s{i} done");
            }

            for (var i = 0; i < Senders; i++)
            {
                await watcher.WaitForAsync(l => l.EndsWith($"burst s{i} done", StringComparison.Ordinal), Timeout, $"s{i}'s last line");
            }

            var from = watcher.Lines.Count;
            await watcher.SendLineAsync("/history 10000");
            await watcher.WaitForAsync(l => l.Contains("end of history", StringComparison.Ordinal), Timeout, "the history", fromIndex: from);
            var history = watcher.Lines.Skip(from).Select(l => BurstLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            var duplicates = history.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, "stored twice: " + string.Join(", ", duplicates));

            var seen = watcher.Lines.Take(from).Concat(senders.SelectMany(s => s.Output)).Select(l => BurstLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
            var missing = seen.Where(l => !history.Contains(l)).ToList();
            Assert.True(missing.Count == 0, "seen by a client but not in the history: " + string.Join(", ", missing));
            output.WriteLine($"{history.Count} burst lines stored of {Senders * (LinesEach + 1)} typed; {seen.Count} seen by some client");
        }
        finally
        {
            doomed.Dispose();
            foreach (var sender in senders)
            {
                sender.Dispose();
            }
        }
    }

    private static async Task TypeAsync(ChildProcess sender, int index, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            await sender.WriteLineAsync($"burst s{index} {i}");
        }
    }

    private static async Task WaitForWhoAsync(LineClient client, IEnumerable<string> nicks)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var before = client.Lines.Count;
            await client.SendLineAsync("/who lobby");
            var who = await client.WaitForAsync(l => l.Contains("#lobby (", StringComparison.Ordinal), Timeout, "a /who answer", fromIndex: before);
            if (nicks.All(n => Regex.IsMatch(who, $@"\b{n}\b")))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not everyone arrived: {who}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"(burst s\d+ (?:\d+|done))$")]
    private static partial Regex BurstLine();
}
