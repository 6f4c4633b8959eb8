using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Switchboard.Net.Framing;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Tls;

/// <summary>
/// A handshake after STARTTLS is bounded like one on a TLS port: in time (the handshake deadline) and in number
/// (MaxPendingHandshakes), so peers that send STARTTLS and then stall cannot pile up.
/// </summary>
public sealed class StartTlsHandshakeLimitTests
{
    [Fact]
    public async Task A_peer_that_sends_starttls_and_never_handshakes_is_closed_at_the_deadline()
    {
        var outcome = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await StartTlsTests.StartListenerAsync(UpgradeOnRequest(outcome), o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));
        using var stalling = await StartTlsAndStallAsync(listener);

        Assert.True(await IsClosedByServerAsync(stalling), "the stalling peer was not closed");
        Assert.Equal("refused: no handshake within 0.3 s; state Closed", await outcome.Task.Within());
        Assert.Equal(0, listener.PendingHandshakes);
    }

    [Fact]
    public async Task A_stalled_starttls_handshake_counts_against_the_cap_and_its_slot_comes_back()
    {
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await StartTlsTests.StartListenerAsync(UpgradeOnRequest(second), o =>
        {
            o.MaxPendingHandshakes = 1;
            o.HandshakeTimeout = TimeSpan.FromMinutes(5);
        });

        using var first = await StartTlsAndStallAsync(listener);
        await TestTimeout.UntilAsync(() => listener.PendingHandshakes == 1, "the first peer's STARTTLS handshake is in progress");

        // The one slot is taken: a second peer's upgrade is refused and its connection closed at once.
        using (var over = await StartTlsAndStallAsync(listener))
        {
            Assert.True(await IsClosedByServerAsync(over), "the peer over the cap was not closed");
        }

        Assert.Equal("refused: too many TLS handshakes in progress (the limit is 1); state Closed", await second.Task.Within());
        Assert.Equal(1, listener.PendingHandshakes);

        // The first gives up; its slot is free again and a real STARTTLS client gets through.
        first.Dispose();
        await TestTimeout.UntilAsync(() => listener.PendingHandshakes == 0, "the stalled handshake's slot is given back");
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", StartTlsTests.Port(listener), new ClientOptions { ConnectTimeout = TestTimeout.Default }, cancellationToken: TestTimeout.Token());
        var lines = client.CreateReader(new LineReader());
        await client.SendAsync(LineWriter.Lf, "STARTTLS");
        Assert.Equal("GO", await StartTlsTests.ReadLineAsync(lines));
        await client.StartClientEncryptionAsync(new ClientTlsOptions { CaFile = TestCertificates.ServerPemPath }, TestTimeout.Token());
        Assert.Equal("encrypted", await StartTlsTests.ReadLineAsync(lines));
    }

    // Each connection: read STARTTLS, say GO, upgrade; the first failure's message (and the state after it) is reported.
    private static ConnectionHandler UpgradeOnRequest(TaskCompletionSource<string> failure) => async (connection, ct) =>
    {
        var reader = connection.CreateReader(new LineReader());
        if (await StartTlsTests.ReadLineAsync(reader) != "STARTTLS")
        {
            return;
        }

        await connection.SendAsync(LineWriter.Lf, "GO", ct);
        try
        {
            await connection.StartServerEncryptionAsync(ct);
            await connection.SendAsync(LineWriter.Lf, "encrypted", ct);
            await connection.Input.ReadAsync(ct);
        }
        catch (AuthenticationException ex)
        {
            failure.TrySetResult($"refused: {ex.Message}; state {connection.State}");
        }
    };

    // Sends STARTTLS, waits for the go-ahead, and then sends nothing: no client hello ever comes.
    private static async Task<Socket> StartTlsAndStallAsync(SwitchboardListener listener)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(listener.BoundEndPoint, TestTimeout.Token());
        await socket.SendAsync("STARTTLS\n"u8.ToArray(), SocketFlags.None, TestTimeout.Token());
        var reply = new byte[3];
        var read = 0;
        while (read < reply.Length)
        {
            var n = await socket.ReceiveAsync(reply.AsMemory(read), SocketFlags.None, TestTimeout.Token());
            Assert.NotEqual(0, n);
            read += n;
        }

        Assert.Equal("GO\n", Encoding.ASCII.GetString(reply));
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
