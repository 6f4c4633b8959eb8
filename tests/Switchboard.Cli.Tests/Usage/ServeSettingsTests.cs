using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Usage;

/// <summary>serve's settings as a user writes them: durations alike everywhere, --config, SIGHUP, dated log lines.</summary>
public sealed class ServeSettingsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static async Task<(ExternalProcess Serve, int Port)> ServeAsync(TempFolder folder, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var serve = SwitchboardCli.Start(["serve", "--port", "0", "--no-web", "--data", Path.Combine(folder.Path, "data"), .. arguments], environment, workingDirectory: folder.Path);
        var match = await serve.WaitForLineAsync(@"chat listening on tcp 127\.0\.0\.1:(\d+)", stderr: true, timeout: Timeout);
        return (serve, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Connects, reads until a line contains <paramref name="expected"/>, sending <paramref name="lines"/> first.</summary>
    private static async Task<string> TalkAsync(int port, string expected, params string[] lines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        foreach (var line in lines)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        }

        var seen = new StringBuilder();
        using var cts = new CancellationTokenSource(Timeout);
        while (await reader.ReadLineAsync(cts.Token) is { } received)
        {
            seen.AppendLine(received);
            if (received.Contains(expected, StringComparison.Ordinal))
            {
                return received;
            }
        }

        Assert.Fail($"'{expected}' never came; the server said:\n{seen}");
        return "";
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1s")]
    [InlineData("00:00:01")]
    public async Task A_duration_in_the_environment_reads_as_in_a_flag(string value)
    {
        // A bare number is seconds, as in every flag: the configuration binder alone would read "1" as one day.
        using var folder = new TempFolder();
        var (serve, port) = await ServeAsync(folder, new Dictionary<string, string> { ["SWITCHBOARD_Chat__IdleTimeout"] = value });
        await using var _ = serve;
        await TalkAsync(port, "idle-timeout");
    }

    [Fact]
    public async Task Appsettings_json_and_the_idle_timeout_flag_take_the_same_durations()
    {
        using var folder = new TempFolder();
        folder.File("appsettings.json", """{ "Chat": { "IdleTimeout": "10m" } }""");
        var (serve, port) = await ServeAsync(folder, null, "-i", "1s");
        await using var _ = serve;
        await TalkAsync(port, "idle-timeout");
    }

    [Fact]
    public async Task Config_names_an_appsettings_file_that_the_environment_still_overrides()
    {
        using var folder = new TempFolder();
        var settings = folder.File("switchboard.json", """{ "Chat": { "OperatorSecret": "from-config", "JoinReplayCount": 0 } }""");
        var (serve, port) = await ServeAsync(folder, null, "--config", settings);
        await using (serve)
        {
            await TalkAsync(port, "you are now an operator", "/nick ada", "/oper from-config");
        }

        var (again, port2) = await ServeAsync(folder, new Dictionary<string, string> { ["SWITCHBOARD_Chat__OperatorSecret"] = "from-env" }, "--config", settings);
        await using (again)
        {
            await TalkAsync(port2, "you are now an operator", "/nick ada", "/oper from-env");
        }
    }

    [Fact]
    public async Task Sighup_does_not_stop_serve_and_log_lines_carry_the_date()
    {
        using var folder = new TempFolder();
        var (serve, port) = await ServeAsync(folder, null);
        await using var _ = serve;
        serve.Signal(1);
        await serve.WaitForLineAsync("SIGHUP received", stderr: true, timeout: Timeout);
        Assert.False(serve.HasExited);
        await TalkAsync(port, "Welcome");
        // yyyy-MM-dd HH:mm:ss: a log kept for days must say which day.
        await serve.WaitForLineAsync(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} info: ", stderr: true, timeout: Timeout);
    }
}

/// <summary>The probes on serve's web host.</summary>
public sealed class ServeHealthTests
{
    [Fact]
    public async Task Healthz_and_readyz_answer_on_the_web_host_without_the_console_token()
    {
        using var folder = new TempFolder();
        await using var serve = SwitchboardCli.Start(["serve", "--port", "0", "--web-port", "0", "--data", Path.Combine(folder.Path, "data")], null, workingDirectory: folder.Path);
        var url = (await serve.WaitForLineAsync(@"web console on (http://[^/\s]+)", stderr: true, timeout: TimeSpan.FromSeconds(60))).Groups[1].Value;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var health = await http.GetAsync($"{url}/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
        var ready = await http.GetAsync($"{url}/readyz");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());
    }
}

/// <summary>Prometheus text at /metrics on serve's web host.</summary>
public sealed class ServeMetricsTests
{
    [Fact]
    public async Task Metrics_count_three_connected_clients()
    {
        using var folder = new TempFolder();
        // A rate limit of 3 lines at once, so that a burst of 6 has lines dropped (and counted).
        var environment = new Dictionary<string, string> { ["SWITCHBOARD_Chat__RateLimitBurst"] = "3", ["SWITCHBOARD_Chat__RateLimitPerSecond"] = "0.01" };
        await using var serve = SwitchboardCli.Start(["serve", "--port", "0", "--web-port", "0", "--data", Path.Combine(folder.Path, "data")], environment, workingDirectory: folder.Path);
        var port = int.Parse((await serve.WaitForLineAsync(@"chat listening on tcp 127\.0\.0\.1:(\d+)", stderr: true, timeout: TimeSpan.FromSeconds(60))).Groups[1].Value, CultureInfo.InvariantCulture);
        var url = (await serve.WaitForLineAsync(@"web console on (http://[^/\s]+)", stderr: true, timeout: TimeSpan.FromSeconds(60))).Groups[1].Value;
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync("127.0.0.1", port);
                // The welcome line means the server has taken the connection in.
                using var reader = new StreamReader(client.GetStream(), Encoding.UTF8, leaveOpen: true);
                Assert.Contains("Welcome", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
            }

            // Six lines at once from the first client: three are said (committed messages), three are rate-limited.
            await clients[0].GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 6).Select(n => $"line {n}\n"))));

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var endpoint = $"127.0.0.1:{port}";
            string[] wanted =
            [
                @"^switchboard_chat_connections(\{[^}]*\})? 3(\s|$)",
                $@"^switchboard_net_connections\{{[^}}]*endpoint=""{endpoint}""[^}}]*\}} 3(\s|$)",
                $@"^switchboard_net_connections_accepted_total\{{[^}}]*endpoint=""{endpoint}""[^}}]*\}} 3(\s|$)",
                $@"^switchboard_net_io_bytes_total\{{[^}}]*direction=""received""[^}}]*endpoint=""{endpoint}""[^}}]*\}} [1-9]",
                $@"^switchboard_net_io_bytes_total\{{[^}}]*direction=""sent""[^}}]*endpoint=""{endpoint}""[^}}]*\}} [1-9]",
                $@"^switchboard_net_messages_total\{{[^}}]*direction=""received""[^}}]*endpoint=""{endpoint}""[^}}]*\}} [1-9]",
                @"^switchboard_chat_users(\{[^}]*\})? 3(\s|$)",
                @"^switchboard_chat_members(\{[^}]*\})? 3(\s|$)",
                @"^switchboard_chat_messages_total(\{[^}]*\})? 3(\s|$)",
                @"^switchboard_chat_rate_limited_total(\{[^}]*\})? 3(\s|$)",
                @"^switchboard_chat_store_commit_duration_seconds_count(\{[^}]*\})? [1-9]",
                @"^switchboard_chat_store_commit_duration_seconds_bucket\{[^}]*le=""\+Inf""[^}]*\} [1-9]",
                @"^switchboard_chat_store_queue(\{[^}]*\})? 0(\s|$)",
            ];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            string text;
            string[] missing;
            do
            {
                // The exporter caches a scrape for a moment, and the lines take a commit: ask again until all show.
                text = await http.GetStringAsync($"{url}/metrics");
                missing = [.. wanted.Where(w => !System.Text.RegularExpressions.Regex.IsMatch(text, w, System.Text.RegularExpressions.RegexOptions.Multiline))];
                if (missing.Length == 0)
                {
                    return;
                }

                await Task.Delay(500);
            }
            while (DateTime.UtcNow < deadline);

            Assert.Fail($"not in /metrics: {string.Join(" ; ", missing)}\n{text}");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
