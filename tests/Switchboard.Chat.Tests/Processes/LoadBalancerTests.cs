using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>
/// docs/CLUSTER.md's HAProxy example, run for real: two <c>serve</c> nodes on one PostgreSQL behind HAProxy (tcp mode,
/// loopback), a terminal client connected through it, its node SIGKILLed: the client comes back through the
/// balancer on the other node and resumes with nothing missed and nothing twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class LoadBalancerTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_client_behind_the_documented_haproxy_fails_over_when_its_node_is_killed()
    {
        var haproxy = File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : Peers.Require("haproxy", "haproxy");
        var database = await postgres.Server.CreateDatabaseAsync();
        using var dataA = new TempDirectory();
        using var dataB = new TempDirectory();
        using var work = new TempDirectory();
        var balancerPort = FreePort();
        var portB = FreePort();
        var (a, portA) = await SwitchboardCli.StartServerAsync(dataA.Path, moreArguments: ["--postgres", database, "--node", "a"]);
        ChildProcess? b = null;
        ChildProcess? balancer = null;
        ChildProcess? chat = null;
        try
        {
            var config = Path.Combine(work.Path, "haproxy.cfg");
            await File.WriteAllTextAsync(config, DocumentedConfig(balancerPort, portA, portB));
            output.WriteLine(await File.ReadAllTextAsync(config));
            balancer = ChildProcess.Start(haproxy, ["-db", "-f", config]);
            await WaitListeningAsync(balancer, balancerPort);

            // Only node a runs yet, so the client's connection through the balancer lands there.
            chat = SwitchboardCli.Start(["chat", $"127.0.0.1:{balancerPort}", "--nick", "ada"]);
            await chat.WaitForOutputAsync(l => l.Contains($"connected to 127.0.0.1:{balancerPort} as ada", StringComparison.Ordinal), Timeout, "ada through the balancer");
            (b, _) = await SwitchboardCli.StartServerAsync(dataB.Path, portB, moreArguments: ["--postgres", database, "--node", "b"]);
            await using var watcher = await LineClient.ConnectAsync(portB);
            await watcher.WaitForContainsAsync("Welcome");
            await watcher.SendLineAsync("/nick watcher");
            await watcher.WaitForContainsAsync("is now known as watcher");

            await chat.WriteLineAsync("before the kill");
            await watcher.WaitForContainsAsync("<ada> before the kill", Timeout);

            // ada's node dies; what is said meanwhile on the other node must reach ada once it is back.
            a.Kill();
            await chat.WaitForOutputAsync(l => l.Contains("*** disconnected", StringComparison.Ordinal), Timeout, "ada losing its node");
            for (var i = 0; i < 5; i++)
            {
                await watcher.SendLineAsync($"while ada was away {i}");
            }

            await chat.WaitForOutputAsync(l => l.EndsWith("<watcher> while ada was away 4", StringComparison.Ordinal), Timeout, "the lines said while ada was away");
            await chat.WriteLineAsync("after the failover");
            await watcher.WaitForAsync(l => AfterLine().IsMatch(l), Timeout, "ada's line through the balancer, on node b");

            var messages = chat.Output.Where(l => MessageLine().IsMatch(l)).ToList();
            var repeated = messages.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(repeated.Count == 0, "shown twice:\n" + string.Join("\n", repeated) + "\nall output:\n" + string.Join("\n", chat.Output));
            for (var i = 0; i < 5; i++)
            {
                Assert.Single(messages, l => l.EndsWith($"<watcher> while ada was away {i}", StringComparison.Ordinal));
            }
        }
        finally
        {
            chat?.Dispose();
            balancer?.Dispose();
            b?.Dispose();
            a.Dispose();
        }
    }

    /// <summary>
    /// The HAProxy block of docs/CLUSTER.md as written, with the test's addresses: the balancer on loopback, the
    /// example's first two servers on the two nodes, the third left out.
    /// </summary>
    private static string DocumentedConfig(int balancerPort, int portA, int portB)
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "CLUSTER.md"));
        var block = HaproxyBlock().Match(doc);
        Assert.True(block.Success, "docs/CLUSTER.md has no ```haproxy block");
        var lines = new List<string>();
        foreach (var line in block.Groups[1].Value.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("bind ", StringComparison.Ordinal))
            {
                lines.Add($"    bind 127.0.0.1:{balancerPort.ToString(CultureInfo.InvariantCulture)}");
            }
            else if (ServerLine().Match(trimmed) is { Success: true } server)
            {
                var port = server.Groups[1].Value switch { "chat1" => portA, "chat2" => portB, _ => 0 };
                if (port != 0)
                {
                    lines.Add($"    server {server.Groups[1].Value} 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{server.Groups[2].Value}");
                }
            }
            else
            {
                lines.Add(line);
            }
        }

        Assert.Contains(lines, l => l.Contains("127.0.0.1:" + portB.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        return string.Join('\n', lines) + "\n";
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Switchboard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository root (Switchboard.sln) is not above the test output");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task WaitListeningAsync(ChildProcess balancer, int port)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            Assert.False(balancer.HasExited, "haproxy exited: " + balancer.Errors);
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    [GeneratedRegex(@"```haproxy\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex HaproxyBlock();

    [GeneratedRegex(@"^server (\S+) \S+(.*)$")]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"<ada_*> after the failover$")]
    private static partial Regex AfterLine();

    [GeneratedRegex(@"^\d\d:\d\d:\d\d #\w+ <\w+> ")]
    private static partial Regex MessageLine();
}
