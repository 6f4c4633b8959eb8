using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Interop;

public sealed class UnixInteropTests
{
    [Fact]
    public async Task Socat_talks_to_listen_unix()
    {
        var path = TestFiles.TempPath(".sock");
        await using var server = await SwitchboardCli.ListenUnixAsync(path, "--mode", "echo");
        await using var socat = ExternalProcess.Start(Peers.Socat, ["-", $"UNIX-CONNECT:{path}"]);
        await socat.WriteLineAsync("through a unix socket ✓");
        await socat.WaitForLineAsync("^through a unix socket ✓$");
    }

    [Fact]
    public async Task Connect_unix_talks_to_a_socat_server()
    {
        var path = TestFiles.TempPath(".sock");
        await using var socat = ExternalProcess.Start(Peers.Socat, [$"UNIX-LISTEN:{path},fork", "EXEC:cat"]);
        var deadline = DateTime.UtcNow + ExternalProcess.DefaultTimeout;
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < deadline, "socat did not create its socket");
            await Task.Delay(50);
        }

        await using var client = SwitchboardCli.Start("connect", "--unix", path);
        await client.WriteLineAsync("to socat ✓");
        await client.WaitForLineAsync("^to socat ✓$");
        client.CloseInput();
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task Listen_unix_refuses_a_path_a_live_server_owns()
    {
        var path = TestFiles.TempPath(".sock");
        await using var first = await SwitchboardCli.ListenUnixAsync(path, "--mode", "echo");
        await using var second = SwitchboardCli.Start("listen", "--unix", path);
        Assert.Equal(7, await second.WaitForExitAsync());
        Assert.Contains("another server is listening", second.Stderr);
        await using var socat = ExternalProcess.Start(Peers.Socat, ["-", $"UNIX-CONNECT:{path}"]);
        await socat.WriteLineAsync("first is alive");
        await socat.WaitForLineAsync("^first is alive$");
    }
}
