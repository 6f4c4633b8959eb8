using System.Diagnostics;
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
}
