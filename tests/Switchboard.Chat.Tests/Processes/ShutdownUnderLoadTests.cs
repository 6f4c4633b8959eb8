using System.Net;
using System.Net.Sockets;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>
/// SIGTERM while thousands are connected. Stopping <c>serve</c> with ~5,000 clients once printed "unexpected error:
/// A task was canceled" and exited 1: the host gives its services a shutdown timeout (30 s by default) and cancels
/// the token it passed them when it runs out, and the listener's wait for its handlers threw that cancellation
/// instead of aborting the connections still open. On a loaded machine 5,000 graceful closes took that long; here a
/// host timeout of 1 s and a client that never reads (so its close cannot finish before the listener's own 5 s)
/// make the same happen every time.
/// </summary>
public sealed class ShutdownUnderLoadTests
{
    private const int Clients = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sigterm_with_2000_clients_and_a_host_that_stops_waiting_exits_0_and_flushes_the_store()
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            ["SWITCHBOARD_Chat__MaxConnectionsPerAddress"] = (Clients + 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SWITCHBOARD_Chat__RateLimitPerSecond"] = "100000",
            ["SWITCHBOARD_Chat__RateLimitBurst"] = "100000",
            // The host's own shutdown timeout (HostOptions), shorter than the listener's 5 s for handlers to finish.
            ["SWITCHBOARD_shutdownTimeoutSeconds"] = "1",
        };
        var (server, port) = await SwitchboardCli.StartServerAsync(data.Path, environment: environment);
        var sockets = new List<Socket>(Clients);
        using (server)
        {
            try
            {
                await Parallel.ForAsync(0, Clients, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                    lock (sockets)
                    {
                        sockets.Add(socket);
                    }
                });

                // A client that asks for far more than socket buffers hold and never reads: its handler waits for
                // buffer space, and at shutdown its close waits for output that will never leave.
                await using var stuck = await LineClient.ConnectAsync(port, receiveBuffer: 4096, read: false);
                await stuck.SendAsync(System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("/who\n", 2000))));
                await using var watcher = await LineClient.ConnectAsync(port);
                // Every client is in: /rooms until the lobby counts them all (they are accepted and joined in the background).
                var deadline = DateTime.UtcNow + Timeout;
                var everyone = "#lobby (" + (Clients + 2) + " members)";
                while (!watcher.Lines.Any(l => l.Contains(everyone, StringComparison.Ordinal)))
                {
                    Assert.True(DateTime.UtcNow < deadline, $"the lobby never counted {Clients + 2} members");
                    var from = watcher.Lines.Count;
                    await watcher.SendLineAsync("/rooms");
                    await watcher.WaitForAsync(l => l.Contains("end of rooms", StringComparison.Ordinal), Timeout, fromIndex: from);
                }

                await watcher.SendLineAsync("a line said before the signal");
                await watcher.SendLineAsync("/history 1");
                await watcher.WaitForContainsAsync("a line said before the signal", Timeout);

                var exit = await server.TerminateAsync(Timeout);
                Assert.DoesNotContain(server.ErrorLines, l => l.Contains("unexpected error", StringComparison.Ordinal));
                Assert.Equal(0, exit);
                Assert.Contains(server.ErrorLines, l => l.Contains("Chat server stopped; store flushed", StringComparison.Ordinal));
            }
            finally
            {
                foreach (var socket in sockets)
                {
                    socket.Dispose();
                }
            }
        }

        // The store was closed properly: a new server finds the line.
        var (again, port2) = await SwitchboardCli.StartServerAsync(data.Path);
        using (again)
        {
            await using var reader = await LineClient.ConnectAsync(port2);
            await reader.SendLineAsync("/history 5");
            await reader.WaitForContainsAsync("a line said before the signal", Timeout);
        }
    }
}
