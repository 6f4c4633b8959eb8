using System.Globalization;
using System.Net.Sockets;

using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Interop;

public sealed class NetcatInteropTests
{
    [Fact]
    public async Task Three_nc_clients_on_a_relay_each_line_reaches_the_other_two_utf8_intact()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "relay");
        await using var _ = server;
        var portText = port.ToString(CultureInfo.InvariantCulture);
        await using var alice = ExternalProcess.Start(Peers.Nc, ["127.0.0.1", portText]);
        await using var bob = ExternalProcess.Start(Peers.Nc, ["127.0.0.1", portText]);
        await using var carol = ExternalProcess.Start(Peers.Nc, ["127.0.0.1", portText]);
        await server.WaitForLineAsync("#3 .*connected", stderr: true);

        await alice.WriteLineAsync("from alice: grüße 𝄞 ✓");
        await bob.WaitForLineAsync("^from alice: grüße 𝄞 ✓$");
        await carol.WaitForLineAsync("^from alice: grüße 𝄞 ✓$");
        await carol.WriteLineAsync("from carol: naïve café");
        await alice.WaitForLineAsync("^from carol: naïve café$");
        await bob.WaitForLineAsync("^from carol: naïve café$");

        // Nobody hears their own line.
        Assert.DoesNotContain("from alice", alice.Stdout);
        Assert.DoesNotContain("from carol", carol.Stdout);
    }

    [Fact]
    public async Task Echo_returns_megabytes_of_random_bytes_unchanged()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;
        var data = new byte[8 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        var received = new MemoryStream();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer);
                if (n == 0)
                {
                    return;
                }

                received.Write(buffer, 0, n);
            }
        });
        for (var offset = 0; offset < data.Length; offset += 65536)
        {
            await socket.SendAsync(data.AsMemory(offset, Math.Min(65536, data.Length - offset)));
        }

        socket.Shutdown(SocketShutdown.Send);
        await reading.WaitAsync(ExternalProcess.DefaultTimeout);
        Assert.Equal(data.Length, received.Length);
        Assert.True(data.AsSpan().SequenceEqual(received.ToArray()), "echoed bytes differ");
    }

    [Fact]
    public async Task Connect_is_a_netcat_stdin_goes_out_and_the_reply_comes_back_on_stdout()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;
        await using var client = SwitchboardCli.Start("connect", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        await client.WriteLineAsync("ping ✓");
        await client.WaitForLineAsync("^ping ✓$");
        client.CloseInput();
        // End of stdin half-closes; the echo server then closes and connect exits cleanly.
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task Connect_sends_crlf_when_asked()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;
        await using var client = SwitchboardCli.Start("connect", "--crlf", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        await client.WriteLineAsync("line");
        client.CloseInput();
        Assert.Equal(0, await client.WaitForExitAsync());
        Assert.Equal("line\r\n"u8.ToArray(), client.StdoutBytes);
    }

    [Fact]
    public async Task Connect_hex_sends_hex_input_as_bytes_and_dumps_what_comes_back()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "echo");
        await using var _ = server;
        await using var client = SwitchboardCli.Start("connect", "--hex", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        await client.WriteLineAsync("48 69 00 ff");
        await client.WaitForLineAsync(@"^00000000  48 69 00 ff .*\|Hi\.\.\|$");
        await client.WriteLineAsync("zz");
        await client.WaitForLineAsync("not hex", stderr: true);
    }

    [Fact]
    public async Task Print_mode_shows_each_line_with_its_sender_and_sends_stdin_to_every_client()
    {
        var (server, port) = await SwitchboardCli.ListenAsync();
        await using var _ = server;
        // -N: shut the socket down at end of stdin, so the server sees the client leave.
        await using var nc = ExternalProcess.Start(Peers.Nc, ["-N", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);
        var connected = await server.WaitForLineAsync(@"(127\.0\.0\.1:\d+) connected", stderr: true);
        await nc.WriteLineAsync("hello server");
        await server.WaitForLineAsync(@"^\[" + connected.Groups[1].Value.Replace(".", "\\.") + @"\] hello server$");
        await server.WriteLineAsync("hello client");
        await nc.WaitForLineAsync("^hello client$");
        nc.CloseInput();
        await server.WaitForLineAsync("disconnected", stderr: true);
    }

    [Fact]
    public async Task Udp_listen_echoes_datagrams_to_connect_udp()
    {
        var process = SwitchboardCli.Start("listen", "--udp", "--port", "0", "--mode", "echo");
        await using var server = process;
        var port = (await process.WaitForLineAsync(@"listening on udp 127\.0\.0\.1:(\d+)", stderr: true)).Groups[1].Value;
        await using var client = SwitchboardCli.Start("connect", "--udp", "--timeout", "1s", "127.0.0.1", port);
        await client.WriteLineAsync("datagram ✓");
        await client.WaitForLineAsync("^datagram ✓$");
        client.CloseInput();
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task Connect_refused_exits_4_with_one_clear_line()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Close();
        await using var client = SwitchboardCli.Start("connect", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(4, await client.WaitForExitAsync());
        Assert.Equal($"switchboard connect: connection refused by 127.0.0.1:{port}", client.Stderr.Trim());
    }

    [Fact]
    public async Task Connect_to_an_unknown_host_exits_3()
    {
        // Inside a fresh network namespace no resolver is reachable, so the lookup fails without leaving the machine.
        var unshare = Peers.Require("unshare", "util-linux");
        await using var client = ExternalProcess.Start(unshare, ["-rn", "dotnet", Path.Combine(AppContext.BaseDirectory, "switchboard.dll"), "connect", "no-such-host.invalid", "80"]);
        Assert.Equal(3, await client.WaitForExitAsync());
        Assert.Contains("host not found: no-such-host.invalid", client.Stderr);
    }

    [Fact]
    public async Task Bad_usage_exits_non_zero_and_says_what_is_wrong()
    {
        await using var listen = SwitchboardCli.Start("listen");
        Assert.Equal(2, await listen.WaitForExitAsync());
        Assert.Contains("--port N or --unix PATH", listen.Stderr);
        await using var connect = SwitchboardCli.Start("connect", "127.0.0.1", "99999");
        Assert.Equal(2, await connect.WaitForExitAsync());
        Assert.Contains("PORT must be a number from 1 to 65535", connect.Stderr);
        await using var timeout = SwitchboardCli.Start("connect", "--timeout", "soon", "127.0.0.1", "80");
        Assert.NotEqual(0, await timeout.WaitForExitAsync());
        Assert.Contains("'soon' is not a duration", timeout.Stderr);
    }

    [Fact]
    public async Task Sigterm_shuts_listen_down_gracefully()
    {
        var (server, port) = await SwitchboardCli.ListenAsync("--mode", "relay");
        await using var _ = server;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync("127.0.0.1", port);
        await server.WaitForLineAsync("connected", stderr: true);
        server.Signal(15);
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Contains("shutting down", server.Stderr);
        // The client sees a clean end of stream (FIN), not a reset.
        var buffer = new byte[16];
        Assert.Equal(0, await client.ReceiveAsync(buffer).WaitAsync(ExternalProcess.DefaultTimeout));
    }
}
