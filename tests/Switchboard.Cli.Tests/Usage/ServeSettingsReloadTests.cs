using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Usage;

/// <summary>SIGHUP re-reads the --config file and applies the settings the server reads as it goes.</summary>
public sealed class ServeSettingsReloadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_changed_setting_applies_after_sighup_and_a_broken_file_changes_nothing()
    {
        using var folder = new TempFolder();
        var settings = folder.File("switchboard.json", """{ "Chat": { "JoinReplayCount": 2, "IdleTimeout": "10m" } }""");
        await using var serve = SwitchboardCli.Start(["serve", "--port", "0", "--no-web", "--data", Path.Combine(folder.Path, "data"), "--config", settings], null, workingDirectory: folder.Path);
        var port = int.Parse((await serve.WaitForLineAsync(@"chat listening on tcp 127\.0\.0\.1:(\d+)", stderr: true, timeout: Timeout)).Groups[1].Value, CultureInfo.InvariantCulture);

        // Five messages in #dev; a newcomer's join replays the last JoinReplayCount of them.
        await using (var author = await JsonClient.ConnectAsync(port))
        {
            await author.SendAsync("/join dev");
            await author.ReadUntilAsync("synced");
            for (var i = 1; i <= 5; i++)
            {
                await author.SendAsync($"message {i}");
                await author.ReadUntilAsync("message");
            }
        }

        Assert.Equal(2, await ReplayedOnJoinAsync(port));

        File.WriteAllText(settings, """{ "Chat": { "JoinReplayCount": 4, "IdleTimeout": "30s" } }""");
        serve.Signal(1);
        await serve.WaitForLineAsync(@"SIGHUP received: settings reloaded; .*Chat:IdleTimeout 600s -> 30s.*Chat:JoinReplayCount 2 -> 4", stderr: true, timeout: Timeout);
        Assert.Equal(4, await ReplayedOnJoinAsync(port));

        // A mistake in the file is reported, and the settings in force stay.
        File.WriteAllText(settings, """{ "Chat": { "JoinReplayCount": 1, "IdleTimeout": "soon" } }""");
        serve.Signal(1);
        await serve.WaitForLineAsync(@"SIGHUP received: the settings were not reloaded, nothing changed: .*IdleTimeout must be a duration", stderr: true, timeout: Timeout);
        Assert.Equal(4, await ReplayedOnJoinAsync(port));
        Assert.False(serve.HasExited);
    }

    /// <summary>Joins #dev as a new user and counts the messages replayed before "synced".</summary>
    private static async Task<int> ReplayedOnJoinAsync(int port)
    {
        await using var client = await JsonClient.ConnectAsync(port);
        await client.SendAsync("/join dev");
        var replayed = 0;
        while (await client.ReadEventAsync() is var type && type != "synced")
        {
            replayed += type == "message" ? 1 : 0;
        }

        return replayed;
    }

    /// <summary>A chat client in JSON mode.</summary>
    private sealed class JsonClient : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly StreamReader _reader;
        private readonly Stream _stream;

        private JsonClient(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
            _reader = new StreamReader(_stream, Encoding.UTF8);
        }

        public static async Task<JsonClient> ConnectAsync(int port)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
            var client = new JsonClient(tcp);
            await client.SendAsync("/mode json");
            // The welcome comes in text, before the mode changes; read up to the first JSON line.
            while (!(await client.ReadLineAsync()).StartsWith('{'))
            {
            }

            return client;
        }

        public Task SendAsync(string line) => _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).AsTask();

        public async Task ReadUntilAsync(string type)
        {
            while (await ReadEventAsync() != type)
            {
            }
        }

        public async Task<string> ReadEventAsync()
        {
            using var json = JsonDocument.Parse(await ReadLineAsync());
            return json.RootElement.GetProperty("type").GetString()!;
        }

        public ValueTask DisposeAsync()
        {
            _tcp.Dispose();
            return ValueTask.CompletedTask;
        }

        private async Task<string> ReadLineAsync()
        {
            using var cts = new CancellationTokenSource(Timeout);
            return await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the server closed the connection");
        }
    }
}
