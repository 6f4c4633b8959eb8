using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Usage;

/// <summary>The habits netcat users bring: a bare port, HOST:PORT, --ssl, -v/-q, -i, -k, and the same conventions in every command.</summary>
public sealed class NetcatHabitsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static async Task<(ExternalProcess Process, int Port)> ListenAsync(params string[] arguments)
    {
        var process = SwitchboardCli.Start(["listen", .. arguments]);
        var match = await process.WaitForLineAsync(@"listening on \w+ 127\.0\.0\.1:(\d+)", stderr: true, timeout: Timeout);
        return (process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Listen_takes_the_port_as_an_argument_and_connect_takes_host_colon_port()
    {
        var (listen, port) = await ListenAsync("0");
        await using var _ = listen;
        await using var connect = SwitchboardCli.Start("connect", $"127.0.0.1:{port}");
        await connect.WriteLineAsync("hello as host:port");
        await listen.WaitForLineAsync(@"\] hello as host:port$", timeout: Timeout);
    }

    [Fact]
    public async Task Connect_takes_bracketed_ipv6_with_its_port()
    {
        var listen = SwitchboardCli.Start("listen", "0", "--host", "::1", "--mode", "echo");
        await using var _ = listen;
        var port = (await listen.WaitForLineAsync(@"listening on tcp \[::1\]:(\d+)", stderr: true, timeout: Timeout)).Groups[1].Value;
        await using var connect = SwitchboardCli.Start("connect", $"[::1]:{port}");
        await connect.WriteLineAsync("over v6");
        await connect.WaitForLineAsync("^over v6$", timeout: Timeout);
    }

    [Fact]
    public async Task Ssl_is_an_alias_of_tls_in_listen_and_connect()
    {
        var (listen, port) = await ListenAsync("0", "--ssl", "--cert", TestFiles.CertificatePem, "--key", TestFiles.KeyPem, "--mode", "echo");
        await using var _ = listen;
        await using var connect = SwitchboardCli.Start("connect", "--ssl", "--ca", TestFiles.CertificatePem, "-w", "20s", "localhost", $"{port}");
        await connect.WriteLineAsync("secret");
        await connect.WaitForLineAsync("^secret$", timeout: Timeout);
        await listen.WaitForLineAsync(@"tls 127\.0\.0\.1:\d+ connected", stderr: true, timeout: Timeout);
    }

    [Fact]
    public async Task Verbose_connect_says_where_it_connected_and_quiet_listen_logs_no_connects()
    {
        var (listen, port) = await ListenAsync("0", "-q");
        await using var _ = listen;
        await using var connect = SwitchboardCli.Start("connect", "-v", "127.0.0.1", $"{port}");
        await connect.WaitForLineAsync(@"connected to 127\.0\.0\.1:\d+", stderr: true, timeout: Timeout);
        await connect.WriteLineAsync("quietly");
        await listen.WaitForLineAsync(@"\] quietly$", timeout: Timeout);
        Assert.DoesNotContain("connected", listen.Stderr, StringComparison.Ordinal);

        var (loud, loudPort) = await ListenAsync("0");
        await using var __ = loud;
        await using var other = SwitchboardCli.Start("connect", "127.0.0.1", $"{loudPort}");
        await loud.WaitForLineAsync("connected", stderr: true, timeout: Timeout);
        Assert.DoesNotContain("connected to", other.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_timeout_ends_a_silent_connect_with_exit_5()
    {
        var (listen, port) = await ListenAsync("0");
        await using var _ = listen;
        await using var connect = SwitchboardCli.Start("connect", "-i", "1s", "127.0.0.1", $"{port}");
        Assert.Equal(5, await connect.WaitForExitAsync(Timeout));
        Assert.Contains("idle for 1s", connect.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_timeout_closes_a_silent_client_of_listen_and_keeps_a_talking_one()
    {
        var (listen, port) = await ListenAsync("0", "-i", "2s", "--mode", "echo");
        await using var _ = listen;
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync("127.0.0.1", port);
        var buffer = new byte[64];
        // The listener closes it: end of stream, well within the timeout of the test.
        Assert.Equal(0, await silent.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Timeout));
        await listen.WaitForLineAsync("idle for 2s; closing", stderr: true, timeout: Timeout);
    }

    [Fact]
    public async Task Keep_open_is_accepted_and_listen_serves_one_client_after_another()
    {
        var (listen, port) = await ListenAsync("0", "-k");
        await using var _ = listen;
        foreach (var word in new[] { "first", "second" })
        {
            await using var connect = SwitchboardCli.Start(["connect", "127.0.0.1", $"{port}"], null, closeInput: false);
            await connect.WriteLineAsync(word);
            await listen.WaitForLineAsync($@"\] {word}$", timeout: Timeout);
            connect.CloseInput();
            Assert.Equal(0, await connect.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task Sigterm_and_ctrl_c_end_every_command_with_exit_0()
    {
        var (listen, port) = await ListenAsync("0");
        await using var _ = listen;
        await using var connect = SwitchboardCli.Start("connect", "127.0.0.1", $"{port}");
        await listen.WaitForLineAsync("connected", stderr: true, timeout: Timeout);
        connect.Signal(2);
        Assert.Equal(0, await connect.WaitForExitAsync(Timeout));

        await using var fortune = SwitchboardCli.Start("fortune", "serve", "--port", "0");
        await fortune.WaitForLineAsync("listening on", stderr: true, timeout: Timeout);
        fortune.Signal(2);
        Assert.Equal(0, await fortune.WaitForExitAsync(Timeout));

        using var data = new TempFolder();
        await using var serve = SwitchboardCli.Start("serve", "--port", "0", "--no-web", "--data", data.Path);
        await serve.WaitForLineAsync("chat listening on", stderr: true, timeout: TimeSpan.FromSeconds(60));
        serve.Signal(2);
        Assert.Equal(0, await serve.WaitForExitAsync(Timeout));

        listen.Signal(15);
        Assert.Equal(0, await listen.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task Listening_lines_go_to_stderr_in_every_command_and_counts_read_as_english()
    {
        var (listen, port) = await ListenAsync("0");
        await using var _ = listen;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync("127.0.0.1", port);
        await listen.WaitForLineAsync("connected", stderr: true, timeout: Timeout);
        listen.Signal(15);
        await listen.WaitForExitAsync(Timeout);
        Assert.Contains("shutting down: closing 1 connection", listen.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("connection(s)", listen.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", listen.Stdout, StringComparison.Ordinal);

        await using var fortune = SwitchboardCli.Start("fortune", "serve", "--port", "0");
        await fortune.WaitForLineAsync("listening on", stderr: true, timeout: Timeout);
        Assert.DoesNotContain("listening on", fortune.Stdout, StringComparison.Ordinal);

        using var data = new TempFolder();
        await using var serve = SwitchboardCli.Start("serve", "--port", "0", "--web-port", "0", "--data", data.Path);
        await serve.WaitForLineAsync("chat listening on tcp", stderr: true, timeout: TimeSpan.FromSeconds(60));
        await serve.WaitForLineAsync("web console on http", stderr: true, timeout: Timeout);
        Assert.DoesNotContain("listening on", serve.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Log_colours_appear_on_a_terminal_only_without_no_color(bool noColor)
    {
        // script(1) gives listen a real terminal, as a user has; the test's own pipes would hide colour either way.
        var dll = Path.Combine(AppContext.BaseDirectory, "switchboard.dll");
        await using var terminal = ExternalProcess.Start("script", ["-qefc", $"dotnet {dll} listen 0", "/dev/null"], new Dictionary<string, string> { ["NO_COLOR"] = noColor ? "1" : "" });
        var port = int.Parse((await terminal.WaitForLineAsync(@"listening on tcp 127\.0\.0\.1:(\d+)", timeout: Timeout)).Groups[1].Value, CultureInfo.InvariantCulture);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync("127.0.0.1", port);
            await terminal.WaitForLineAsync("connected", timeout: Timeout);
        }

        // Colour is SGR ("ESC [ ... m"); .NET also sends terminal modes (keypad) to a terminal, which are no colour.
        var colour = System.Text.RegularExpressions.Regex.IsMatch(Encoding.UTF8.GetString(terminal.StdoutBytes), "\u001b\\[[0-9;]*m");
        Assert.True(colour == !noColor, $"colour {(colour ? "seen" : "not seen")} with NO_COLOR {(noColor ? "set" : "unset")}:\n{terminal.Stdout}");
    }

    [Fact]
    public async Task Completion_bash_completes_commands_and_options()
    {
        var (exit, script, _) = await SwitchboardCli.RunAsync(["completion", "bash"]);
        Assert.Equal(0, exit);
        using var folder = new TempFolder();
        var file = folder.File("switchboard.bash", script);
        await using var bash = ExternalProcess.Start("bash", ["-c", $"source {file}; COMP_WORDS=(switchboard lis); COMP_CWORD=1; _switchboard; echo \"[${{COMPREPLY[*]}}]\"; COMP_WORDS=(switchboard listen --id); COMP_CWORD=2; _switchboard; echo \"[${{COMPREPLY[*]}}]\""], closeInput: true);
        Assert.Equal(0, await bash.WaitForExitAsync(Timeout));
        Assert.Equal("[listen]\n[--idle-timeout]", bash.Stdout);

        var zsh = await SwitchboardCli.RunAsync(["completion", "zsh"]);
        Assert.Equal(0, zsh.ExitCode);
        Assert.Contains("bashcompinit", zsh.Stdout, StringComparison.Ordinal);
        Assert.Contains("complete -F _switchboard switchboard", zsh.Stdout, StringComparison.Ordinal);
    }
}
