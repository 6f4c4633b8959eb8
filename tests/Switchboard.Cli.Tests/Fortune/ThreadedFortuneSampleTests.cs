using Switchboard.Cli.Tests.Fortune.Harness;
using Switchboard.Cli.Tests.Infrastructure;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary>
/// samples/Switchboard.Samples.ThreadedFortune: Qt's threaded fortune server and blocking fortune client on the
/// blocking API, run as a user runs them, against each other, against `fortune get`, and against Qt's own server.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ThreadedFortuneSampleTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private static string Sample => Path.Combine(AppContext.BaseDirectory, "Switchboard.Samples.ThreadedFortune.dll");

    [Fact(Timeout = 180_000)]
    public async Task The_blocking_client_reads_the_threaded_server_and_fortune_get_reads_it_too()
    {
        await using var server = ExternalProcess.Start("dotnet", [Sample, "server", "0"]);
        var port = (await server.WaitForLineAsync(@"^listening on 127\.0\.0\.1:(\d+)$", timeout: Slow)).Groups[1].Value;

        for (var i = 0; i < 3; i++)
        {
            await using var client = ExternalProcess.Start("dotnet", [Sample, "client", "127.0.0.1", port], closeInput: true);
            Assert.True(await client.WaitForExitAsync(Slow) == 0, client.Stderr);
            Assert.Contains(client.Stdout.TrimEnd('\n'), BuiltInFortunes.All);
        }

        // Qt 5's framing, byte for byte: the CLI's fortune client (checked against Qt's own servers) reads it.
        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["fortune", "get", "127.0.0.1", port, "--framing", "qt5"]);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains(stdout.TrimEnd('\n'), BuiltInFortunes.All);

        server.CloseInput();
        Assert.Equal(0, await server.WaitForExitAsync(Slow));
    }

    [Fact(Timeout = 180_000)]
    public async Task The_blocking_client_reads_Qts_threaded_fortune_server()
    {
        await using QtServer qt = await QtServer.StartTcpAsync(Peers.ThreadedFortuneServer);
        await using var client = ExternalProcess.Start("dotnet", [Sample, "client", "127.0.0.1", $"{qt.Port}"], closeInput: true);
        Assert.True(await client.WaitForExitAsync(Slow) == 0, client.Stderr);
        Assert.Contains(client.Stdout.TrimEnd('\n'), QtFortunes.All);
    }

    [Fact(Timeout = 180_000)]
    public async Task The_blocking_client_reports_a_refused_connection_in_words()
    {
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        closed.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)closed.LocalEndPoint!).Port;
        await using var client = ExternalProcess.Start("dotnet", [Sample, "client", "127.0.0.1", $"{port}"], closeInput: true);
        Assert.Equal(1, await client.WaitForExitAsync(Slow));
        Assert.Contains("fortune client: connection refused", client.Stderr, StringComparison.Ordinal);
    }
}
