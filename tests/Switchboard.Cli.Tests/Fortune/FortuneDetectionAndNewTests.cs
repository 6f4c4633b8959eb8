using System.Buffers;
using Switchboard.Cli.Tests.Fortune.Harness;
using Switchboard.Cli.Tests.Infrastructure;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary><c>fortune get</c> without <c>--framing</c> reads every framing; <c>--new</c> asks again on a repeat.</summary>
[Collection(InteropCollection.Name)]
public sealed class FortuneDetectionAndNewTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("qt5", false)]
    [InlineData("qt4", false)]
    [InlineData("local", false)]
    [InlineData("qt5", true)]
    [InlineData("qt4", true)]
    [InlineData("local", true)]
    public async Task Get_detects_the_framing_of_our_server_without_being_told(string framing, bool local)
    {
        using var tmp = new TempFolder();
        string[] where = local ? ["--local", tmp.File("fortune")] : ["--port", "0"];
        await using ServeProcess server = await SwitchboardCli.ServeAsync([.. where, "--framing", framing]);
        string[] target = local ? ["--local", server.Where] : ["127.0.0.1", $"{server.Port}"];
        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", .. target]);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains(stdout.TrimEnd('\n'), BuiltInFortunes.All);
    }

    [Fact(Timeout = 90_000)]
    public async Task Get_reads_PyQts_Qt4_style_local_and_tcp_fortune_servers_without_being_told()
    {
        string python = Peers.Python;
        string localScript = Peers.PyQtExample("ipc/localfortuneserver.py");
        await using (QtServer local = await QtServer.StartLocalAsync(python, localScript))
        {
            var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", "--local", local.SocketPath]);
            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            Assert.Contains(stdout.TrimEnd('\n'), await File.ReadAllTextAsync(localScript));

            // Told the wrong framing, the same server is malformed data, as before.
            var told = await SwitchboardCli.RunAsync(["fortune", "get", "--local", local.SocketPath, "--framing", "local"]);
            Assert.Equal(9, told.ExitCode);
        }

        string tcpScript = Peers.PyQtExample("network/fortuneserver.py");
        await using QtServer tcp = await QtServer.StartTcpAsync(python, tcpScript);
        var fromTcp = await SwitchboardCli.RunAsync(["fortune", "get", "127.0.0.1", $"{tcp.Port}"]);
        Assert.True(fromTcp.ExitCode == 0, $"exit {fromTcp.ExitCode}: {fromTcp.Stderr}");
        Assert.Contains(fromTcp.Stdout.TrimEnd('\n'), await File.ReadAllTextAsync(tcpScript));
    }

    [Fact(Timeout = 60_000)]
    public async Task Get_new_asks_again_while_the_server_repeats_the_fortune_printed_last_time()
    {
        using var state = new TempFolder();
        var environment = new Dictionary<string, string> { ["XDG_STATE_HOME"] = state.Path };
        await using var server = new FakeServer([Qt5("same"), Qt5("same"), Qt5("same"), Qt5("other")]);
        string[] get = ["fortune", "get", "127.0.0.1", $"{server.Port}"];

        var first = await SwitchboardCli.RunAsync([.. get, "--new"], environment);
        Assert.Equal((0, "same"), (first.ExitCode, first.Stdout));
        Assert.Equal(1, server.Served);

        // Remembered "same": the server repeats it twice, so the client asks three times to print "other".
        var second = await SwitchboardCli.RunAsync([.. get, "--new"], environment);
        Assert.Equal((0, "other"), (second.ExitCode, second.Stdout));
        Assert.Equal(4, server.Served);

        // Without --new a repeat is printed as it comes, and nothing is remembered.
        var plain = await SwitchboardCli.RunAsync(get, environment);
        Assert.Equal((0, "other"), (plain.ExitCode, plain.Stdout));
        Assert.Equal(5, server.Served);
    }

    private static byte[] Qt5(string fortune)
    {
        var output = new ArrayBufferWriter<byte>();
        FortuneCodecs.Create(FortuneFraming.Qt5).Write(fortune, output);
        return output.WrittenSpan.ToArray();
    }
}
