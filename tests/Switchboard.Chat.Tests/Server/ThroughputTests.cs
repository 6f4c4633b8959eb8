using System.Diagnostics;
using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// Many senders over real sockets, with fsync on every commit: every line arrives, and the group commit shares
/// commits between them. The numbers are printed, not asserted (the machine is shared).
/// </summary>
public sealed class ThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Many_senders_with_fsync_all_arrive_and_share_commits()
    {
        const int Senders = 8;
        const int Lines = 500;
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Durability = StoreDurability.Full;
            o.RateLimitPerSecond = 100_000;
            o.RateLimitBurst = 100_000;
        });
        await using var listener = await server.JoinAsync("listener");
        var senders = new List<LineClient>();
        try
        {
            for (var i = 0; i < Senders; i++)
            {
                senders.Add(await server.JoinAsync($"s{i}"));
            }

            var before = server.Server.StoreStats;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(senders.Select((s, i) => Task.Run(async () =>
            {
                for (var n = 0; n < Lines; n++)
                {
                    await s.SendLineAsync($"t{i} {n}");
                }
            })));
            for (var i = 0; i < Senders; i++)
            {
                await listener.WaitForAsync(l => l.EndsWith($"<s{i}> t{i} {Lines - 1}", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            }

            stopwatch.Stop();
            var after = server.Server.StoreStats;
            var received = listener.Lines.Count(l => l.Contains("> t", StringComparison.Ordinal));
            Assert.Equal(Senders * Lines, received);
            var commits = after.Commits - before.Commits;
            output.WriteLine($"{received} messages from {Senders} TCP senders in {stopwatch.Elapsed.TotalMilliseconds:0} ms ({received / stopwatch.Elapsed.TotalSeconds:0}/s), {commits} fsynced commits ({(double)(after.Operations - before.Operations) / commits:0.#} per commit)");
        }
        finally
        {
            foreach (var sender in senders)
            {
                await sender.DisposeAsync();
            }
        }
    }
}
