using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Net.Tests.Qt.Fortune;

/// <summary>Our fortune client against our fortune server, over loopback TCP and Unix sockets.</summary>
public sealed class FortuneClientServerTests
{
    private const string Unusual = "Ça coûte 5 € — ✓ 😀 𝄞";

    public static TheoryData<FortuneFraming, bool> FramingsAndTransports() => new()
    {
        { FortuneFraming.Qt5, false }, { FortuneFraming.Qt4, false }, { FortuneFraming.Local, false },
        { FortuneFraming.Qt5, true }, { FortuneFraming.Qt4, true }, { FortuneFraming.Local, true },
    };

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(FramingsAndTransports))]
    public async Task Client_reads_a_non_ASCII_fortune_intact(FortuneFraming framing, bool local)
    {
        await using var server = await TestServer.StartAsync(local, new FortuneServer([Unusual], framing));
        FortuneClient client = server.Client(new FortuneClientOptions { Framing = framing });
        Assert.Equal(Unusual, await client.GetFortuneAsync(Timeouts.Token()));
        Assert.Equal(Unusual, client.LastFortune);
    }

    [Theory(Timeout = 20_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Default_framing_is_qt5_over_TCP_and_local_over_local_sockets(bool local)
    {
        var expected = local ? FortuneFraming.Local : FortuneFraming.Qt5;
        await using var server = await TestServer.StartAsync(local, new FortuneServer(BuiltInFortunes.All, expected));
        FortuneClient client = server.Client();
        Assert.Equal(expected, client.Framing);
        Assert.Contains(await client.GetFortuneAsync(Timeouts.Token()), BuiltInFortunes.All);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_client_address_never_gets_the_same_fortune_twice_in_a_row(bool local)
    {
        await using var server = await TestServer.StartAsync(local, new FortuneServer(["one", "two", "three"], FortuneFraming.Qt5));
        FortuneClient client = server.Client(new FortuneClientOptions { Framing = FortuneFraming.Qt5 });
        string previous = await client.GetFortuneAsync(Timeouts.Token());
        var seen = new HashSet<string> { previous };
        for (int i = 0; i < 30; i++)
        {
            string next = await client.GetFortuneAsync(Timeouts.Token());
            Assert.NotEqual(previous, next);
            seen.Add(next);
            previous = next;
        }

        Assert.Equal(3, seen.Count);
    }

    [Fact(Timeout = 20_000)]
    public async Task GetNewFortune_asks_again_while_the_server_repeats_itself()
    {
        string[] answers = ["same", "same", "same", "other"];
        int served = 0;
        await using var server = await TestServer.StartAsync(local: false, async (connection, shutdown) =>
        {
            string text = answers[Math.Min(Interlocked.Increment(ref served) - 1, answers.Length - 1)];
            var output = new ArrayBufferWriter<byte>();
            new Qt5FortuneCodec().Write(text, output);
            await connection.SendAsync(output.WrittenMemory, shutdown);
            await connection.CloseAsync(null, shutdown);
        });
        FortuneClient client = server.Client();
        Assert.Equal("same", await client.GetNewFortuneAsync(Timeouts.Token()));
        Assert.Equal("other", await client.GetNewFortuneAsync(Timeouts.Token()));
        Assert.Equal(4, served);
    }

    [Theory(Timeout = 20_000)]
    [InlineData(false, "0000000a00480069", FortuneError.ClosedEarly)]
    [InlineData(true, "0000000a00480069", FortuneError.ClosedEarly)]
    [InlineData(false, "", FortuneError.ClosedEarly)]
    [InlineData(false, "00000003004800", FortuneError.Malformed)]
    [InlineData(true, "00000003004800", FortuneError.Malformed)]
    [InlineData(false, "7ffffffe", FortuneError.Malformed)]
    public async Task Bad_answers_are_typed_errors(bool local, string hex, FortuneError expected)
    {
        await using var server = await TestServer.SendingAsync(local, Convert.FromHexString(hex));
        FortuneClient client = server.Client(new FortuneClientOptions { Framing = FortuneFraming.Qt5 });
        var ex = await Assert.ThrowsAsync<FortuneException>(() => client.GetFortuneAsync(Timeouts.Token()));
        Assert.Equal(expected, ex.Error);
    }

    [Theory(Timeout = 20_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_server_that_never_answers_is_a_timeout(bool local)
    {
        await using var server = await TestServer.StartAsync(local, (connection, shutdown) => Task.Delay(Timeout.Infinite, shutdown));
        FortuneClient client = server.Client(new FortuneClientOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Assert.ThrowsAsync<FortuneException>(() => client.GetFortuneAsync(Timeouts.Token()));
        Assert.Equal(FortuneError.TimedOut, ex.Error);
    }

    [Fact(Timeout = 20_000)]
    public async Task Cancellation_is_not_reported_as_a_timeout()
    {
        await using var server = await TestServer.StartAsync(false, (connection, shutdown) => Task.Delay(Timeout.Infinite, shutdown));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.Client().GetFortuneAsync(cts.Token));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_closed_port_is_refused()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var ex = await Assert.ThrowsAsync<FortuneException>(() => FortuneClient.ForTcp("127.0.0.1", port).GetFortuneAsync(Timeouts.Token()));
        Assert.Equal(FortuneError.Refused, ex.Error);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_missing_local_socket_is_not_found()
    {
        string folder = Directory.CreateTempSubdirectory("sb-fortune-").FullName;
        try
        {
            var ex = await Assert.ThrowsAsync<FortuneException>(() => FortuneClient.ForLocal(Path.Combine(folder, "nobody")).GetFortuneAsync(Timeouts.Token()));
            Assert.Equal(FortuneError.HostNotFound, ex.Error);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Fortunes_too_long_for_the_framing_are_refused_up_front()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FortuneServer([new string('x', 40_000)], FortuneFraming.Qt4));
        Assert.Contains("qt4", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FortuneServer([], FortuneFraming.Qt5));
    }
}
