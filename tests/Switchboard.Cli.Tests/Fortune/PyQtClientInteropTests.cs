using System.Text.Json;
using Switchboard.Cli.Tests.Fortune.Harness;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary>Real QtNetwork + QDataStream clients (PyQt5) reading <c>switchboard fortune serve</c> in every framing.</summary>
[Collection(InteropCollection.Name)]
public sealed class PyQtClientInteropTests
{
    // Accents, symbols, and two characters outside the BMP (surrogate pairs on the wire).
    private const string Unusual = "Ça coûte 5 € — naïve façade ✓ ∑ 😀 𝄞";

    private static readonly string[] Fortunes = [Unusual, "Grüße aus Köln 🍀", "plain ASCII fortune"];

    public static TheoryData<string, bool> FramingsAndTransports() => new()
    {
        { "qt5", false }, { "qt4", false }, { "local", false },
        { "qt5", true }, { "qt4", true }, { "local", true },
    };

    [Theory(Timeout = 90_000)]
    [MemberData(nameof(FramingsAndTransports))]
    public async Task A_Qt_client_reads_our_server_with_non_ASCII_text_intact(string framing, bool local)
    {
        using var tmp = new TempFolder();
        string file = tmp.File("fortunes.txt", Unusual + "\n");
        string[] where = local ? ["--local", tmp.File("fortune")] : ["--port", "0"];
        await using ServeProcess server = await SwitchboardCli.ServeAsync([.. where, "--framing", framing, "--file", file]);
        string[] target = local ? ["--local", server.Where] : ["--tcp", "127.0.0.1", $"{server.Port}"];

        string[] read = await RunClientAsync([.. target, "--framing", framing]);
        Assert.Equal([Unusual], read);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("qt5", false)]
    [InlineData("qt4", false)]
    [InlineData("local", true)]
    public async Task A_Qt_client_never_gets_the_same_fortune_twice_in_a_row(string framing, bool local)
    {
        using var tmp = new TempFolder();
        string file = tmp.File("fortunes.txt", string.Join("\r\n", Fortunes) + "\r\n\r\n");
        string[] where = local ? ["--local", tmp.File("fortune")] : ["--port", "0"];
        await using ServeProcess server = await SwitchboardCli.ServeAsync([.. where, "--framing", framing, "--file", file]);
        string[] target = local ? ["--local", server.Where] : ["--tcp", "127.0.0.1", $"{server.Port}"];

        string[] read = await RunClientAsync([.. target, "--framing", framing, "--count", "12"]);
        Assert.Equal(12, read.Length);
        Assert.All(read, f => Assert.Contains(f, Fortunes));
        for (int i = 1; i < read.Length; i++)
        {
            Assert.NotEqual(read[i - 1], read[i]);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task A_bare_local_name_means_the_same_socket_to_Qt_and_to_us()
    {
        using var tmp = new TempFolder();
        var env = new Dictionary<string, string> { ["TMPDIR"] = tmp.Path };
        await using ServeProcess server = await SwitchboardCli.ServeAsync(["--local", "fortune"], env);
        Assert.Equal(Path.Combine(tmp.Path, "fortune"), server.Where);

        // QLocalSocket resolves the bare name "fortune" itself, from the same TMPDIR; the default framing is local.
        string[] read = await RunClientAsync(["--local", "fortune", "--framing", "local"], env);
        Assert.Contains(Assert.Single(read), Net.Qt.Fortune.BuiltInFortunes.All);
    }

    private static async Task<string[]> RunClientAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using ExternalProcess client = ExternalProcess.Start(Peers.Python, [Peers.Script("qt_fortune_client.py"), .. arguments], environment, closeInput: true);
        int exit = await client.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"the PyQt5 client exited with {exit}: {client.Stderr}");
        return JsonSerializer.Deserialize<string[]>(client.Stdout) ?? [];
    }
}
