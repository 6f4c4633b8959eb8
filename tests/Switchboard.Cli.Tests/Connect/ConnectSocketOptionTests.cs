using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Connect;

/// <summary>
/// connect's socket options (QAbstractSocket::setSocketOption): checked before anything connects, and applied to the
/// socket, as getsockopt in the client and ss from outside both read them back.
/// </summary>
public sealed class ConnectSocketOptionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(new[] { "--keepalive", "500ms" }, "--keepalive must be at least 1s, in whole seconds: IDLE '500ms'")]
    [InlineData(new[] { "--keepalive", "30s,soon" }, "--keepalive INTERVAL: 'soon' is not a duration")]
    [InlineData(new[] { "--keepalive", "30s,5s,0" }, "--keepalive COUNT must be a whole number from 1 to 127, not '0'")]
    [InlineData(new[] { "--keepalive", "30s,5s,3,9" }, "--keepalive takes IDLE[,INTERVAL[,COUNT]]")]
    [InlineData(new[] { "--sndbuf", "0" }, "--sndbuf must be from 1KiB to 64MiB, not 0")]
    [InlineData(new[] { "--rcvbuf", "lots" }, "--rcvbuf: 'lots' is not a size")]
    [InlineData(new[] { "--linger", "-1" }, "--linger must be from 0 to 3,600, not -1")]
    [InlineData(new[] { "--linger", "2s" }, "--linger must be a whole number, not '2s'")]
    [InlineData(new[] { "--nodelay", "--no-nodelay" }, "give --nodelay or --no-nodelay, not both")]
    [InlineData(new[] { "--udp", "--sndbuf", "64KiB" }, "are for TCP and TLS connections, not --unix or --udp")]
    public async Task Bad_values_exit_2_with_one_line_before_connecting(string[] flags, string expected)
    {
        // Nothing listens on port 9 here: a connect attempt would fail with another message and exit code.
        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(["connect", "127.0.0.1", "9", .. flags]);

        Assert.True(exit == 2, $"exit {exit}, expected 2.\nstderr:\n{stderr}");
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
        var lines = stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines, l => !l.StartsWith("Run 'switchboard", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Socket_options_on_a_unix_socket_are_refused()
    {
        var (exit, _, stderr) = await SwitchboardCli.RunAsync(["connect", "--unix", "/tmp/switchboard-no-such.sock", "--keepalive", "30s"]);

        Assert.Equal(2, exit);
        Assert.Contains("not --unix or --udp", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_options_given_are_the_sockets_as_getsockopt_and_ss_read_them()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var connect = SwitchboardCli.Start("connect", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "-v",
            "--no-nodelay", "--keepalive", "30s,7s,5", "--sndbuf", "64KiB", "--rcvbuf", "96KiB", "--linger", "2");
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        var clientPort = ((IPEndPoint)accepted.Client.RemoteEndPoint!).Port;

        var line = await connect.WaitForLineAsync(@"socket options nodelay=(\w+) keepalive=(\S+) sndbuf=(\d+) rcvbuf=(\d+) linger=(\S+)", stderr: true, timeout: Timeout);
        Assert.Equal("off", line.Groups[1].Value);
        Assert.Equal("30s,7s,5", line.Groups[2].Value);
        var sndbuf = int.Parse(line.Groups[3].Value, CultureInfo.InvariantCulture);
        var rcvbuf = int.Parse(line.Groups[4].Value, CultureInfo.InvariantCulture);
        // Linux doubles the sizes asked for (the rest is its bookkeeping); it never gives less.
        Assert.InRange(sndbuf, 64 * 1024, 2 * 64 * 1024);
        Assert.InRange(rcvbuf, 96 * 1024, 2 * 96 * 1024);
        Assert.Equal("2s", line.Groups[5].Value);

        // From outside the process: the kernel runs a keep-alive timer on that socket and has the same buffers.
        var ss = await SsAsync(clientPort);
        Assert.Contains("timer:(keepalive,", ss, StringComparison.Ordinal);
        Assert.Matches($@"skmem:\(r\d+,rb{rcvbuf},t\d+,tb{sndbuf},", ss);
    }

    [Fact]
    public async Task Without_flags_nodelay_is_on_and_keepalive_and_linger_are_off()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var connect = SwitchboardCli.Start("connect", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "-v");
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);

        var line = await connect.WaitForLineAsync(@"socket options (.*)$", stderr: true, timeout: Timeout);
        Assert.Matches(@"^nodelay=on keepalive=off sndbuf=\d+ rcvbuf=\d+ linger=off$", line.Groups[1].Value);
    }

    private static async Task<string> SsAsync(int localPort)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-Htnmo", "state", "established", $"sport = :{localPort}"]) { RedirectStandardOutput = true })!;
        var output = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        return Regex.Replace(output, @"\s+", " ");
    }
}
