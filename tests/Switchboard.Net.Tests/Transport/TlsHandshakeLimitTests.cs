using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Transport;

/// <summary>A TLS listener bounds the handshake in time and in number, so silent clients cannot pile up.</summary>
public sealed class TlsHandshakeLimitTests
{
    [Fact]
    public async Task A_client_that_never_starts_its_handshake_is_closed_at_the_deadline()
    {
        var options = TlsOptions();
        options.HandshakeTimeout = TimeSpan.FromMilliseconds(300);
        var served = 0;
        await using var listener = await SwitchboardListener.StartAsync(options, (c, ct) =>
        {
            Interlocked.Increment(ref served);
            return Task.CompletedTask;
        });
        using var silent = await ConnectRawAsync(listener);
        // Closed by the server: the end of the stream (or a reset), long before the test's own timeout.
        Assert.True(await IsClosedByServerAsync(silent), "the silent client was not closed");
        Assert.Equal(0, served);
    }

    [Fact]
    public async Task Beyond_the_cap_on_handshakes_in_progress_newcomers_are_closed_and_service_resumes_below_it()
    {
        var options = TlsOptions();
        options.MaxPendingHandshakes = 1;
        options.HandshakeTimeout = TimeSpan.FromMinutes(5);
        await using var listener = await SwitchboardListener.StartAsync(options, async (c, ct) => await c.SendAsync(LineWriter.Lf, "hello", ct));
        using var first = await ConnectRawAsync(listener);
        // Accepted sockets are handed to the thread pool, so without this wait the second client's handshake could
        // start first and take the one slot (seen once on a loaded machine).
        await TestTimeout.UntilAsync(() => listener.PendingHandshakes == 1, "the first client's handshake is in progress");
        // The second silent client is over the cap while the first one's handshake is pending.
        using (var second = await ConnectRawAsync(listener))
        {
            Assert.True(await IsClosedByServerAsync(second), "the client over the cap was not closed");
        }

        // The first one gives up; its slot is free again and a real client is served.
        first.Dispose();
        await TestTimeout.UntilAsync(() => TryHello(listener).GetAwaiter().GetResult(), "a TLS client is served again");
    }

    private static async Task<bool> TryHello(SwitchboardListener listener)
    {
        try
        {
            var port = ((IPEndPoint)listener.BoundEndPoint).Port;
            await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, new ClientOptions { ConnectTimeout = TestTimeout.Default, Tls = new ClientTlsOptions { CaFile = TestCertificates.ServerPemPath } }, cancellationToken: TestTimeout.Token());
            var line = await client.CreateReader(new LineReader()).ReadAsync(TestTimeout.Token());
            return !line.IsCompleted && Encoding.UTF8.GetString(line.Message) == "hello";
        }
        catch (Exception ex) when (ex is ConnectException or IOException)
        {
            return false;
        }
    }

    private static ListenerOptions TlsOptions()
    {
        var options = ListenerOptions.Loopback(0);
        options.Certificate = TestCertificates.Server;
        return options;
    }

    private static async Task<Socket> ConnectRawAsync(SwitchboardListener listener)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(listener.BoundEndPoint, TestTimeout.Token());
        return socket;
    }

    private static async Task<bool> IsClosedByServerAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None, TestTimeout.Token()) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }
}
