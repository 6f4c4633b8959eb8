using System.Text.RegularExpressions;
using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>
/// The issue's durability "done when": SIGKILL the real server in the middle of a burst from several clients,
/// restart it on the same data, and /history holds every line any client had received, each exactly once.
/// </summary>
public sealed partial class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Senders = 4;

    [Fact]
    public async Task History_after_SIGKILL_holds_every_line_any_client_received_exactly_once()
    {
        using var data = new TempDirectory();
        // A generous rate limit: this test is about durability, not flood control.
        var environment = new Dictionary<string, string>
        {
            ["SWITCHBOARD_Chat__RateLimitPerSecond"] = "5000",
            ["SWITCHBOARD_Chat__RateLimitBurst"] = "5000",
        };
        var (server, port) = await SwitchboardCli.StartServerAsync(data.Path, environment: environment);
        var clients = new List<LineClient>();
        try
        {
            for (var i = 0; i < Senders; i++)
            {
                clients.Add(await JoinAsync(port, $"c{i}"));
            }

            var watcher = await JoinAsync(port, "watch");
            clients.Add(watcher);

            using var stop = new CancellationTokenSource();
            var bursts = clients.Take(Senders).Select((client, i) => BurstAsync(client, i, stop.Token)).ToList();

            // Kill once lines are flowing: some are delivered, some are queued or mid-commit.
            await watcher.WaitForAsync(l => l.EndsWith("burst c0 250", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "a few hundred burst lines");
            server.Kill();
            stop.Cancel();
            await Task.WhenAll(bursts);
            foreach (var client in clients)
            {
                await client.WaitClosedAsync(TimeSpan.FromSeconds(15));
            }

            var received = clients.SelectMany(c => c.Lines).Select(l => BurstLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
            output.WriteLine($"lines received by some client before the kill: {received.Count}");
            Assert.True(received.Count > 50, $"only {received.Count} lines were received before the kill");

            var (restarted, newPort) = await SwitchboardCli.StartServerAsync(data.Path, environment: environment);
            using (restarted)
            {
                await using var reader = await JoinAsync(newPort, "reader");
                await reader.SendLineAsync("/history 10000");
                await reader.WaitForContainsAsync("end of history", TimeSpan.FromSeconds(60));
                var lines = reader.Lines;
                var start = lines.ToList().FindIndex(l => l.Contains("history of #lobby", StringComparison.Ordinal));
                var end = lines.ToList().FindIndex(l => l.Contains("end of history", StringComparison.Ordinal));
                var history = lines.Skip(start + 1).Take(end - start - 1).Select(l => BurstLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
                output.WriteLine($"burst lines in history after restart: {history.Count}");

                var counts = history.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
                Assert.Empty(counts.Where(c => c.Value > 1).Select(c => c.Key));
                var missing = received.Where(t => !counts.ContainsKey(t)).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} received lines are missing from history, e.g. {string.Join(", ", missing.Take(5))}");
                await restarted.TerminateAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            server.Dispose();
        }
    }

    private static async Task<LineClient> JoinAsync(int port, string nick)
    {
        var client = await LineClient.ConnectAsync(port);
        await client.WaitForContainsAsync("Welcome");
        await client.SendLineAsync("/nick " + nick);
        await client.WaitForContainsAsync($"is now known as {nick}");
        return client;
    }

    private static async Task BurstAsync(LineClient client, int index, CancellationToken stop)
    {
        try
        {
            for (var n = 0; n < 100_000 && !stop.IsCancellationRequested; n++)
            {
                await client.SendLineAsync($"burst c{index} {n}");
                if (n % 20 == 0)
                {
                    await Task.Delay(5, CancellationToken.None);
                }
            }
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The server died under us: exactly what this test does.
        }
    }

    [GeneratedRegex(@"#lobby <c\d> (burst c\d \d+)$")]
    private static partial Regex BurstLine();
}
