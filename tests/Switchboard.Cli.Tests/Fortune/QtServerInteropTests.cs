using Switchboard.Cli.Tests.Fortune.Harness;
using Switchboard.Cli.Tests.Infrastructure;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary><c>switchboard fortune get</c> and <see cref="FortuneClient"/> reading Qt's own C++ fortune servers.</summary>
[Collection(InteropCollection.Name)]
public sealed class QtServerInteropTests
{
    public static TheoryData<string> TcpServers() => ["fortuneserver", "threadedfortuneserver"];

    [Theory(Timeout = 90_000)]
    [MemberData(nameof(TcpServers))]
    public async Task Get_reads_Qts_TCP_fortune_servers(string name)
    {
        await using QtServer server = await QtServer.StartTcpAsync(Program(name));
        for (int i = 0; i < 3; i++)
        {
            var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", "127.0.0.1", $"{server.Port}"]);
            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            Assert.Contains(stdout.TrimEnd('\n'), QtFortunes.All);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task Get_reads_Qts_local_fortune_server_by_bare_name_and_by_path()
    {
        await using QtServer server = await QtServer.StartLocalAsync(Peers.LocalFortuneServer);

        // A bare name resolves in TMPDIR, where Qt's server put its socket.
        var byName = await SwitchboardCli.RunAsync(["fortune", "get", "--local", "fortune"], new Dictionary<string, string> { ["TMPDIR"] = server.TmpDir });
        Assert.True(byName.ExitCode == 0, $"exit {byName.ExitCode}: {byName.Stderr}");
        Assert.Contains(byName.Stdout.TrimEnd('\n'), QtFortunes.All);

        var byPath = await SwitchboardCli.RunAsync(["fortune", "get", "--local", server.SocketPath, "--framing", "local"]);
        Assert.True(byPath.ExitCode == 0, $"exit {byPath.ExitCode}: {byPath.Stderr}");
        Assert.Contains(byPath.Stdout.TrimEnd('\n'), QtFortunes.All);
    }

    [Fact(Timeout = 90_000)]
    public async Task The_library_client_reads_Qts_servers_and_asks_again_on_a_repeat()
    {
        await using QtServer tcp = await QtServer.StartTcpAsync(Peers.FortuneServer);
        FortuneClient client = FortuneClient.ForTcp("127.0.0.1", tcp.Port, new FortuneClientOptions { MaxAttempts = 20 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string first = await client.GetFortuneAsync(timeout.Token);
        Assert.Contains(first, QtFortunes.All);

        // Qt's server picks at random and may repeat itself; the client asks again, as Qt's client does.
        string next = await client.GetNewFortuneAsync(timeout.Token);
        Assert.NotEqual(first, next);
        Assert.Contains(next, QtFortunes.All);

        await using QtServer local = await QtServer.StartLocalAsync(Peers.LocalFortuneServer);
        Assert.Contains(await FortuneClient.ForLocal(local.SocketPath).GetFortuneAsync(timeout.Token), QtFortunes.All);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("qt4")]
    [InlineData("local")]
    public async Task A_wrong_framing_against_Qts_server_is_reported_as_malformed(string framing)
    {
        await using QtServer server = await QtServer.StartTcpAsync(Peers.FortuneServer);
        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", "127.0.0.1", $"{server.Port}", "--framing", framing, "--timeout", "5s"]);
        Assert.Equal(9, exit);
        Assert.Empty(stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("malformed", stderr, StringComparison.Ordinal);
    }

    private static string Program(string name) => name switch
    {
        "fortuneserver" => Peers.FortuneServer,
        _ => Peers.ThreadedFortuneServer,
    };
}
