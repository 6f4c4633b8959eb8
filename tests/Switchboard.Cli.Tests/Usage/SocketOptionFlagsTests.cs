using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Usage;

/// <summary>listen's --backlog and --keepalive: checked before anything opens, and applied to the socket.</summary>
public sealed class SocketOptionFlagsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(new[] { "listen", "0", "--backlog", "0" }, "--backlog")]
    [InlineData(new[] { "listen", "0", "--backlog", "many" }, "--backlog")]
    [InlineData(new[] { "listen", "0", "--keepalive", "500ms" }, "--keepalive must be at least 1s")]
    [InlineData(new[] { "listen", "0", "--keepalive", "30s,5s,0" }, "--keepalive COUNT must be a whole number from 1 to 127, not '0'")]
    [InlineData(new[] { "listen", "0", "--keepalive", "30s,5s,3,9" }, "--keepalive takes IDLE[,INTERVAL[,COUNT]]")]
    [InlineData(new[] { "listen", "--udp", "--port", "0", "--backlog", "5" }, "not --udp")]
    public async Task Bad_values_exit_2_with_one_line_and_no_stack_trace(string[] arguments, string expected)
    {
        var result = await SwitchboardCli.RunAsync(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_backlog_given_is_the_listen_sockets()
    {
        await using var listen = SwitchboardCli.Start("listen", "0", "--backlog", "37", "--keepalive", "30s");
        var port = (await listen.WaitForLineAsync(@"listening on tcp 127\.0\.0\.1:(\d+)", stderr: true, timeout: Timeout)).Groups[1].Value;

        // A listening socket's Send-Q in ss is its backlog.
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-Hltn", $"sport = :{port}"]) { RedirectStandardOutput = true })!;
        var fields = (await ss.StandardOutput.ReadToEndAsync()).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        await ss.WaitForExitAsync();
        Assert.Equal("37", fields[2]);
    }

    [Fact]
    public async Task Keep_alive_runs_on_accepted_connections_with_the_idle_time_given()
    {
        await using var listen = SwitchboardCli.Start("listen", "0", "--keepalive", "30s,7s,5");
        var port = int.Parse((await listen.WaitForLineAsync(@"listening on tcp 127\.0\.0\.1:(\d+)", stderr: true, timeout: Timeout)).Groups[1].Value, CultureInfo.InvariantCulture);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        await listen.WaitForLineAsync("connected", stderr: true, timeout: Timeout);

        // The server's end of the connection: the kernel runs its keep-alive timer, counting down from IDLE (30 s,
        // not Linux's default of two hours).
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-Htno", "state", "established", $"sport = :{port}"]) { RedirectStandardOutput = true })!;
        var output = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        var timer = Regex.Match(output, @"timer:\(keepalive,(?:(\d+)min)?(\d+)(?:\.\d+)?sec");
        Assert.True(timer.Success, output);
        var seconds = (timer.Groups[1].Success ? 60 * int.Parse(timer.Groups[1].Value, CultureInfo.InvariantCulture) : 0) + int.Parse(timer.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 30);
    }
}
