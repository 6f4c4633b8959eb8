using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Display;

/// <summary>
/// Issue 13: a server that sends a 2 MiB line made <c>switchboard chat</c> reconnect 17 times in 10 s. Now the
/// client says why once and waits longer before each new attempt (the waits it prints grow), against a tiny fake
/// server that sends the same line to every connection.
/// </summary>
public sealed class ChatOverlongLineTests
{
    [Fact(Timeout = 120_000)]
    public async Task Chat_says_why_once_and_backs_off_when_the_server_sends_an_overlong_line()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var accepted = 0;
        var server = ServeOverlongLinesAsync(listener, () => Interlocked.Increment(ref accepted), stop.Token);

        try
        {
            await using var chat = SwitchboardCli.Start(["chat", $"127.0.0.1:{port}", "--nick", "bob"], new Dictionary<string, string> { ["NO_COLOR"] = "1" });

            // The waits double from the first 0.25 s: reaching 1 s means two reconnects already waited longer.
            await chat.WaitForLineAsync(@"reconnecting in 1 s", timeout: TimeSpan.FromSeconds(60));

            var stdout = chat.Stdout;
            Assert.Single(Regex.Matches(stdout, "ERR line-too-long the server sent a line longer than 1 MiB"));
            Assert.Single(Regex.Matches(stdout, @"reconnecting in 0\.25 s"));
            Assert.Single(Regex.Matches(stdout, @"reconnecting in 0\.5 s"));
            Assert.Contains("disconnected (the server sent a line over 1 MiB)", stdout, StringComparison.Ordinal);
            Assert.True(Volatile.Read(ref accepted) >= 3, $"only {accepted} connections");
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await server.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task ServeOverlongLinesAsync(TcpListener listener, Action onAccept, CancellationToken cancellationToken)
    {
        var line = new byte[(2 * 1024 * 1024) + 1];
        Array.Fill(line, (byte)'x');
        line[^1] = (byte)'\n';
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                onAccept();
                connections.Add(SendAndHoldAsync(client, line, cancellationToken));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections);
    }

    // Sends the line, then keeps the connection until the client drops it, as a misbehaving server would.
    private static async Task SendAndHoldAsync(TcpClient client, byte[] line, CancellationToken cancellationToken)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            await stream.WriteAsync(line, cancellationToken);
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
