using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Cli.Tests.Fortune;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Display;

/// <summary>
/// What a hostile peer sends must not drive the user's terminal: OSC 52 (clipboard), OSC 0 (title), a carriage
/// return that erases the line to fake another, and ESC, BEL, NUL in general. Each tool is run as a process and its
/// stdout checked byte by byte.
/// </summary>
public sealed class TerminalInjectionTests
{
    private const string Hostile = "hi \u001b]52;c;ZXZpbA==\u0007 \u001b]0;owned\u0007\r\u001b[2K[server] fake line \0\u009b31m\u202Egnp.exe";

    private static void AssertHarmless(byte[] stdout)
    {
        Assert.DoesNotContain((byte)0x1B, stdout);
        Assert.DoesNotContain((byte)0x07, stdout);
        Assert.DoesNotContain((byte)0x00, stdout);
        Assert.DoesNotContain((byte)'\r', stdout);
        var text = Encoding.UTF8.GetString(stdout);
        Assert.DoesNotContain('\u009B', text);
        Assert.DoesNotContain('\u202E', text);
        // Shown, not swallowed: the user can see that something was sent.
        Assert.Contains(@"\e]52;c;ZXZpbA==\x07", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Listen_print_shows_escape_sequences_instead_of_obeying_them()
    {
        var (listen, port) = await SwitchboardCli.ListenAsync("--mode", "print");
        await using var _ = listen;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.SendAsync(Encoding.UTF8.GetBytes(Hostile + "\nend-of-test\n"));
        await listen.WaitForLineAsync("end-of-test");
        AssertHarmless(listen.StdoutBytes);
    }

    [Fact(Timeout = 120_000)]
    public async Task Listen_print_over_udp_shows_escape_sequences_instead_of_obeying_them()
    {
        var (listen, port) = await SwitchboardCli.ListenAsync("--mode", "print", "--udp");
        await using var _ = listen;
        using var client = new UdpClient(AddressFamily.InterNetwork);
        await client.SendAsync(Encoding.UTF8.GetBytes(Hostile + "\nsecond line"), new IPEndPoint(IPAddress.Loopback, port));
        await listen.WaitForLineAsync("second line");
        AssertHarmless(listen.StdoutBytes);
        // One datagram stays one line: a line break in it cannot start a fake line of its own.
        Assert.Contains(@"\nsecond line", listen.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Fortune_get_shows_escape_sequences_and_keeps_line_breaks()
    {
        var fortune = Hostile + "\nsecond line";
        var utf16 = Encoding.BigEndianUnicode.GetBytes(fortune);
        var reply = new byte[4 + utf16.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(reply, utf16.Length);
        utf16.CopyTo(reply, 4);
        await using var server = new FakeServer(reply);
        await using var get = SwitchboardCli.Start(["fortune", "get", "127.0.0.1", $"{server.Port}"], environment: null, closeInput: true);
        Assert.Equal(0, await get.WaitForExitAsync(SwitchboardCli.RunTimeout));
        AssertHarmless(get.StdoutBytes);
        Assert.EndsWith("gnp.exe\nsecond line\n", Encoding.UTF8.GetString(get.StdoutBytes), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Chat_shows_escape_sequences_from_a_hostile_server_instead_of_obeying_them()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var chat = SwitchboardCli.Start(["chat", $"127.0.0.1:{port}", "--nick", "bob"], new Dictionary<string, string> { ["NO_COLOR"] = "1" });
        using var server = await listener.AcceptTcpClientAsync();
        var stream = server.GetStream();

        // A server that breaks its own rules: every field it sends carries control sequences.
        string Json(string s) => System.Text.Json.JsonSerializer.Serialize(s);
        var lines = new[]
        {
            $$"""{"type":"welcome","nick":{{Json("bob\u001b]0;nick\u0007")}}}""",
            $$"""{"type":"synced","room":{{Json("lobby\u001b[2J")}}}""",
            $$"""{"type":"message","id":1,"kind":"say","room":"lobby","from":{{Json("eve\u001b[31m")}},"text":{{Json(Hostile)}}}""",
            $$"""{"type":"topic","room":"lobby","topic":{{Json("topic \u001b]52;c;ZXZpbA==\u0007")}}}""",
            $$"""{"type":"info","text":{{Json("info \u001b]52;c;ZXZpbA==\u0007")}}}""",
            $$"""{"type":"error","code":"x","text":{{Json("err \u001b]52;c;ZXZpbA==\u0007")}}}""",
            "not json \u001b]52;c;ZXZpbA==\u0007",
            """{"type":"info","text":"end-of-test"}""",
        };
        await stream.WriteAsync(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        await chat.WaitForLineAsync("end-of-test");
        AssertHarmless(chat.StdoutBytes);
        Assert.Contains(@"eve\e[31m", chat.Stdout, StringComparison.Ordinal);
        Assert.Contains(@"topic \e]52;", chat.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Relay_replaces_esc_and_nul_before_passing_a_line_on()
    {
        var (relay, port) = await SwitchboardCli.ListenAsync("--mode", "relay");
        await using var _ = relay;
        using var sender = new TcpClient();
        using var receiver = new TcpClient();
        await sender.ConnectAsync(IPAddress.Loopback, port);
        await receiver.ConnectAsync(IPAddress.Loopback, port);
        await relay.WaitUntilAsync(() => relay.Stderr.Split('\n').Count(l => l.Contains("connected", StringComparison.Ordinal)) >= 2, TimeSpan.FromSeconds(30), "both clients connected");

        await sender.GetStream().WriteAsync(Encoding.UTF8.GetBytes("a\u001b]0;t\u0007\0b\tc é\n"));
        using var reader = new StreamReader(receiver.GetStream(), Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("a\uFFFD]0;t\uFFFD\uFFFDb\tc é", await reader.ReadLineAsync(timeout.Token));
    }
}
