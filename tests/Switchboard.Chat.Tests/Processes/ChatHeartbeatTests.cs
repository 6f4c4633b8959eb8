using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>
/// <c>switchboard chat</c> keeps its connection alive with the library's heartbeat: a <c>/ping</c> only when the
/// connection is quiet, a server that stops answering dropped and reconnected, and an idle client kept open past
/// the server's idle timeout.
/// </summary>
public sealed class ChatHeartbeatTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_server_that_stops_answering_is_dropped_by_the_heartbeat_and_the_client_reconnects()
    {
        // Welcomes each client, then reads and never answers: a half-open connection as the client sees it.
        await using var server = FakeChatServer.Start(answer: false);
        using var chat = SwitchboardCli.Start(["chat", $"127.0.0.1:{server.Port}", "--nick", "bob", "--heartbeat", "1s,2s"]);

        var lost = await chat.WaitForOutputAsync(l => l.Contains("heartbeat: no answer within 2 s", StringComparison.Ordinal), Timeout, "the heartbeat dropping the silent server");
        Assert.Contains("reconnecting", lost, StringComparison.Ordinal);
        await server.WaitUntilAsync(() => server.Accepted >= 2, "the client connecting again");

        // What timed out was the heartbeat's ping, sent on the first connection once it went quiet.
        Assert.Contains((1, "/ping"), server.Received);
    }

    [Fact]
    public async Task The_heartbeat_pings_only_when_the_user_stops_typing_and_its_pong_is_not_shown()
    {
        // Echoes each line as a chat message and answers /ping with pong, as the real server does.
        await using var server = FakeChatServer.Start(answer: true);
        using var chat = SwitchboardCli.Start(["chat", $"127.0.0.1:{server.Port}", "--nick", "bob", "--heartbeat", "3s,30s"]);
        await server.WaitUntilAsync(() => server.Received.Any(r => r.Line.StartsWith("/join", StringComparison.Ordinal)), "the client joining");

        // Typing steadily for several heartbeat intervals: every line is sent and echoed, so no ping is due.
        const int Lines = 40;
        for (var i = 1; i <= Lines; i++)
        {
            await chat.WriteLineAsync($"line {i}");
            await Task.Delay(250);
        }

        await chat.WaitForOutputAsync(l => l.EndsWith($"<bob> line {Lines}", StringComparison.Ordinal), Timeout, "the last typed line echoed");
        await server.WaitUntilAsync(() => server.Received.Any(r => r.Line == "/ping"), "a heartbeat once the user stopped typing");

        var lines = server.Received.Select(r => r.Line).ToList();
        var firstPing = lines.IndexOf("/ping");
        Assert.True(firstPing > lines.IndexOf($"line {Lines}"), "a ping went out while the user was typing:\n" + string.Join("\n", lines));

        // A /ping the user types shows its pong; the heartbeat's pong, sent before it on the same connection, did not.
        await chat.WriteLineAsync("/ping");
        await chat.WaitForOutputAsync(l => l == "*** pong", Timeout, "the pong of the typed /ping");
        Assert.Single(chat.Output, l => l.Contains("pong", StringComparison.Ordinal));
        Assert.DoesNotContain(chat.Output, l => l.Contains("disconnected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_idle_client_stays_connected_past_the_server_idle_timeout()
    {
        using var data = new TempDirectory();
        var (server, port) = await SwitchboardCli.StartServerAsync(data.Path, moreArguments: ["--idle-timeout", "3s"]);
        using var _ = server;
        using var chat = SwitchboardCli.Start(["chat", $"127.0.0.1:{port}", "--nick", "idler", "--heartbeat", "1s"]);
        await chat.WaitForOutputAsync(l => l.Contains("as idler in #lobby", StringComparison.Ordinal), Timeout, "the client connected and joined");

        // Two plain connections that say nothing, one after the other, are closed by the idle timeout: by then the
        // chat client, which typed nothing either, has been idle more than twice that long.
        for (var round = 0; round < 2; round++)
        {
            await using var quiet = await LineClient.ConnectAsync(port);
            await quiet.WaitForContainsAsync("idle-timeout", Timeout);
        }

        await using (var talker = await LineClient.ConnectAsync(port))
        {
            await talker.SendLineAsync("/nick talker");
            await talker.WaitForContainsAsync("is now known as talker", Timeout);
            await talker.SendLineAsync("still there?");
            await chat.WaitForOutputAsync(l => l.EndsWith("#lobby <talker> still there?", StringComparison.Ordinal), Timeout, "the talker's line");
        }

        Assert.DoesNotContain(chat.Output, l => l.Contains("idle-timeout", StringComparison.Ordinal) || l.Contains("disconnected", StringComparison.Ordinal));
    }

    /// <summary>A stand-in for the chat server: JSON welcome, then records every line; echoes and pongs when asked to.</summary>
    private sealed class FakeChatServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly bool _answer;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<(int Connection, string Line)> _received = new();
        private readonly List<Task> _connections = [];
        private Task _accepting = Task.CompletedTask;
        private int _accepted;

        private FakeChatServer(bool answer)
        {
            _answer = answer;
            _listener = new TcpListener(IPAddress.Loopback, 0);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        /// <summary>Every line received, with the number of the connection (1 for the first) it came on.</summary>
        public IReadOnlyList<(int Connection, string Line)> Received => [.. _received];

        public static FakeChatServer Start(bool answer)
        {
            var server = new FakeChatServer(answer);
            server._listener.Start();
            server._accepting = server.AcceptAsync();
            return server;
        }

        public async Task WaitUntilAsync(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; received:\n{string.Join("\n", Received)}");
                await Task.Delay(50);
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var number = Interlocked.Increment(ref _accepted);
                    lock (_connections)
                    {
                        _connections.Add(ServeAsync(client, number));
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task ServeAsync(TcpClient client, int number)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.UTF8);
                await WriteAsync(stream, new { type = "welcome", nick = "bob" });
                var id = 0;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    _received.Enqueue((number, line));
                    if (!_answer || line.StartsWith("/mode", StringComparison.Ordinal) || line.StartsWith("/nick", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (line == "/ping")
                    {
                        await WriteAsync(stream, new { type = "info", text = "pong" });
                    }
                    else if (line.StartsWith("/join", StringComparison.Ordinal))
                    {
                        await WriteAsync(stream, new { type = "synced", room = "lobby" });
                    }
                    else
                    {
                        await WriteAsync(stream, new { type = "message", id = ++id, room = "lobby", from = "bob", text = line });
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task WriteAsync(NetworkStream stream, object message)
            => await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message) + "\n"), _stop.Token);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            Task[] connections;
            lock (_connections)
            {
                connections = [.. _connections];
            }

            await Task.WhenAll(connections);
            _stop.Dispose();
        }
    }
}
