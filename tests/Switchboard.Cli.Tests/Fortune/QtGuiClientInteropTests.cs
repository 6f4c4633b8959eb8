using Switchboard.Cli.Tests.Fortune.Harness;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary>Qt's own C++ GUI fortune clients (qtbase5-examples) reading <c>switchboard fortune serve</c>.</summary>
[Collection(InteropCollection.Name)]
public sealed class QtGuiClientInteropTests
{
    private const string Unusual = "Ça coûte 5 € — naïve façade ✓ ∑ 😀 𝄞";

    [Fact(Timeout = 120_000)]
    public async Task Qts_fortuneclient_shows_our_fortune_intact()
    {
        using var tmp = new TempFolder();
        await using ServeProcess server = await SwitchboardCli.ServeAsync(["--port", "0", "--file", tmp.File("f.txt", Unusual + "\n")]);
        QtGuiResult shown = await QtGuiClient.GetFortuneAsync(Peers.FortuneClient, ["--host", "127.0.0.1", "--port", $"{server.Port}"]);
        Assert.Empty(shown.Dialogs);
        Assert.Contains(Unusual, shown.Labels);
    }

    [Fact(Timeout = 120_000)]
    public async Task Qts_localfortuneclient_shows_our_fortune_intact()
    {
        using var tmp = new TempFolder();
        await using ServeProcess server = await SwitchboardCli.ServeAsync(["--local", tmp.File("fortune"), "--file", tmp.File("f.txt", Unusual + "\n")]);
        QtGuiResult shown = await QtGuiClient.GetFortuneAsync(Peers.LocalFortuneClient, ["--server", server.Where]);
        Assert.Empty(shown.Dialogs);
        Assert.Contains(Unusual, shown.Labels);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_driver_sees_Qts_error_box_when_nothing_listens()
    {
        // Guards the two tests above: an error shows up as a dialog, not as a missing label.
        int port;
        using (var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
        }

        QtGuiResult shown = await QtGuiClient.GetFortuneAsync(Peers.FortuneClient, ["--host", "127.0.0.1", "--port", $"{port}"]);
        Assert.Equal(["Fortune Client"], shown.Dialogs);
        Assert.Contains(shown.Labels, l => l.Contains("refused", StringComparison.Ordinal));
    }
}
