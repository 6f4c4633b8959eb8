using System.Net;
using System.Net.Sockets;
using Switchboard.Cli.Tests.Fortune.Harness;
using Switchboard.Cli.Tests.Infrastructure;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary>
/// <c>switchboard fortune</c> end to end: each failure is one line on stderr and its own exit code
/// (documented in the commands' help and docs/FORTUNE.md).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class FortuneCommandTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_reads_our_server_with_the_default_framing_of_each_transport(bool local)
    {
        using var tmp = new TempFolder();
        string[] where = local ? ["--local", tmp.File("fortune")] : ["--port", "0"];
        await using ServeProcess server = await SwitchboardCli.ServeAsync(where);
        Assert.Contains(local ? "(local framing, 12 fortunes)" : "(qt5 framing, 12 fortunes)", server.Process.Stderr, StringComparison.Ordinal);
        string[] target = local ? ["--local", server.Where] : ["127.0.0.1", $"{server.Port}"];
        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", .. target]);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains(stdout.TrimEnd('\n'), BuiltInFortunes.All);
    }

    [Fact(Timeout = 60_000)]
    public async Task Serve_listens_on_the_host_given_and_refuses_a_host_that_is_not_an_address()
    {
        await using (ServeProcess server = await SwitchboardCli.ServeAsync(["--port", "0", "--host", "::1", "--framing", "qt4"]))
        {
            Assert.StartsWith("[::1]:", server.Where, StringComparison.Ordinal);
            var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", "::1", $"{server.Port}", "--framing", "qt4"]);
            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            Assert.Contains(stdout.TrimEnd('\n'), BuiltInFortunes.All);
        }

        var bad = await SwitchboardCli.RunAsync(["fortune", "serve", "--port", "0", "--host", "example.com"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not an IP address", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Refused_is_exit_4()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        await AssertGetFailsAsync(["127.0.0.1", $"{port}"], 4, "refused");
    }

    [Fact(Timeout = 60_000)]
    public async Task Host_not_found_is_exit_3()
    {
        // glibc rejects a name with an empty label before sending any DNS query (checked with strace), so this
        // fails locally and no packet leaves the machine.
        await AssertGetFailsAsync(["a..b", "4000"], 3, "host not found");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_missing_local_socket_is_exit_3_and_a_stale_one_is_refused_exit_4()
    {
        using var tmp = new TempFolder();
        await AssertGetFailsAsync(["--local", tmp.File("nobody")], 3, "no socket");

        // A socket file nobody listens on. Not made with a .NET Socket: .NET unlinks the file when it closes one.
        string stale = tmp.File("stale");
        await using (ExternalProcess maker = ExternalProcess.Start(Peers.Python, ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", stale], closeInput: true))
        {
            Assert.Equal(0, await maker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.True(File.Exists(stale));

        await AssertGetFailsAsync(["--local", stale], 4, "refused");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_silent_server_is_a_timeout_exit_5()
    {
        await using var server = new FakeServer(reply: null);
        await AssertGetFailsAsync(["127.0.0.1", $"{server.Port}", "--timeout", "500ms"], 5, "within 0.5 s");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("", "without sending a fortune")]
    [InlineData("0000000a00480069", "after 8 bytes")]
    public async Task Closing_before_a_whole_fortune_is_exit_8(string hex, string message)
    {
        await using var server = new FakeServer(Convert.FromHexString(hex));
        await AssertGetFailsAsync(["127.0.0.1", $"{server.Port}"], 8, message);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("qt5", "00000003004100", "odd byte length")]
    [InlineData("qt5", "7ffffffe", "more than the maximum")]
    [InlineData("qt4", "0008000000020041ffff", "after its QString")]
    [InlineData("local", "00000002" + "00000002" + "0041", "announces 2")]
    public async Task Malformed_data_is_exit_9(string framing, string hex, string message)
    {
        await using var server = new FakeServer(Convert.FromHexString(hex));
        await AssertGetFailsAsync(["127.0.0.1", $"{server.Port}", "--framing", framing], 9, message);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("fortune", "get")]
    [InlineData("fortune", "get", "127.0.0.1")]
    [InlineData("fortune", "get", "127.0.0.1", "80", "--local", "x")]
    [InlineData("fortune", "get", "127.0.0.1", "80", "--framing", "qt6")]
    [InlineData("fortune", "get", "127.0.0.1", "80", "--timeout", "soon")]
    [InlineData("fortune", "serve")]
    [InlineData("fortune", "serve", "--port", "0", "--local", "x")]
    [InlineData("fortune", "serve", "--local", "x", "--host", "0.0.0.0")]
    public async Task Invalid_arguments_fail_without_touching_the_network(params string[] arguments)
    {
        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(arguments);
        Assert.Equal(2, exit);
        Assert.NotEmpty(stderr.Trim());
        Assert.DoesNotContain("listening on", stderr, StringComparison.Ordinal);
        _ = stdout;
    }

    [Fact(Timeout = 60_000)]
    public async Task Serve_refuses_an_unusable_file_with_exit_2()
    {
        using var tmp = new TempFolder();
        var missing = await SwitchboardCli.RunAsync(["fortune", "serve", "--port", "0", "--file", tmp.File("none.txt")]);
        Assert.Equal(2, missing.ExitCode);
        var blank = await SwitchboardCli.RunAsync(["fortune", "serve", "--port", "0", "--file", tmp.File("blank.txt", "\n  \n")]);
        Assert.Equal(2, blank.ExitCode);
        Assert.Contains("no fortunes", blank.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Serve_on_a_port_in_use_is_exit_7()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var (exit, _, stderr) = await SwitchboardCli.RunAsync(["fortune", "serve", "--port", $"{port}"]);
        Assert.Equal(7, exit);
        Assert.Contains("in use", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Serve_leaves_a_live_servers_socket_alone_and_replaces_a_stale_one()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("fortune");
        await using (ServeProcess first = await SwitchboardCli.ServeAsync(["--local", path]))
        {
            var (exit, _, stderr) = await SwitchboardCli.RunAsync(["fortune", "serve", "--local", path]);
            Assert.Equal(7, exit);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));

            // The first server still answers.
            var get = await SwitchboardCli.RunAsync(["fortune", "get", "--local", path]);
            Assert.True(get.ExitCode == 0, get.Stderr);
        }

        // Killed with SIGKILL above: its socket file is left behind, stale.
        Assert.True(File.Exists(path));
        await using ServeProcess second = await SwitchboardCli.ServeAsync(["--local", path]);
        var again = await SwitchboardCli.RunAsync(["fortune", "get", "--local", path]);
        Assert.True(again.ExitCode == 0, again.Stderr);
    }

    [Fact(Timeout = 60_000)]
    public async Task SIGTERM_stops_the_server_with_exit_0_and_removes_its_socket()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("fortune");
        await using ServeProcess server = await SwitchboardCli.ServeAsync(["--local", path]);
        await using (ExternalProcess kill = ExternalProcess.Start(Peers.Kill, ["-TERM", $"{server.Process.Id}"], closeInput: true))
        {
            Assert.Equal(0, await kill.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(0, await server.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(path));
    }

    private static async Task AssertGetFailsAsync(string[] arguments, int expectedExit, string message)
    {
        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", .. arguments]);
        Assert.True(exit == expectedExit, $"expected exit {expectedExit}, got {exit}: {stderr}");
        Assert.Empty(stdout);
        string line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("switchboard fortune get: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }
}
