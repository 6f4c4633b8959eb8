using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Unit;

/// <summary>
/// The client page's socket, driven as a script would drive it (no browser): targets outside the allow list are
/// refused, and every attempt is in the operator's log.
/// </summary>
public sealed class ClientPageTargetTests
{
    [Fact]
    public async Task A_console_beyond_loopback_will_not_dial_loopback_and_logs_the_attempt()
    {
        var (echo, port) = await SwitchboardCli.StartEchoAsync();
        using var _ = echo;
        var logs = new LogCapture();
        await using var console = await MountedConsole.StartAsync(new ConsoleOptions { Host = "0.0.0.0", Token = "t0ken" }, logs);
        using var page = await OpenClientPageAsync(console.BaseUrl, "t0ken");

        var result = await CommandAsync(page, new { op = "connect", transport = "tcp", host = "127.0.0.1", port });
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("Web:ClientTargets", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains($"refused tcp 127.0.0.1:{port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unix_sockets_outside_the_listed_directories_are_refused()
    {
        var logs = new LogCapture();
        await using var console = await MountedConsole.StartAsync(new ConsoleOptions { Token = "t0ken" }, logs);
        using var page = await OpenClientPageAsync(console.BaseUrl, "t0ken");

        var result = await CommandAsync(page, new { op = "connect", transport = "unix", path = "/run/dbus/system_bus_socket" });
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("Web:ClientUnixDirectories", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("refused unix /run/dbus/system_bus_socket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_allowed_connection_is_logged_with_the_browser_it_came_from()
    {
        var (echo, port) = await SwitchboardCli.StartEchoAsync();
        using var _ = echo;
        var logs = new LogCapture();
        await using var console = await MountedConsole.StartAsync(new ConsoleOptions { Token = "t0ken" }, logs);
        using var page = await OpenClientPageAsync(console.BaseUrl, "t0ken");

        var result = await CommandAsync(page, new { op = "connect", transport = "tcp", host = "localhost", port });
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Contains(logs.Lines, l => l.Contains("Client page (127.0.0.1:", StringComparison.Ordinal) && l.Contains($"connecting to tcp localhost:{port} (", StringComparison.Ordinal));
    }

    private static async Task<ClientWebSocket> OpenClientPageAsync(string baseUrl, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        socket.Options.SetRequestHeader("Origin", baseUrl);
        await socket.ConnectAsync(new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/client"), CancellationToken.None);
        return socket;
    }

    /// <summary>Sends one command and returns its result frame (other frames, such as state, are skipped).</summary>
    private static async Task<JsonElement> CommandAsync(ClientWebSocket socket, object command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(command), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var text = new StringBuilder();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, timeout.Token);
                text.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
            }
            while (!received.EndOfMessage);

            using var frame = JsonDocument.Parse(text.ToString());
            if (frame.RootElement.GetProperty("type").GetString() == "result")
            {
                return frame.RootElement.Clone();
            }
        }
    }
}
