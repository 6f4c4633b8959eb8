using System.Text.Json;
using Switchboard.Cli.Commands.Bench;

namespace Switchboard.Cli.Tests.Bench;

/// <summary>Tiny runs against in-process servers. They check counts and shapes, never timings.</summary>
public sealed class BenchEndToEndTests
{
    private static BenchSettings Settings(BenchArguments arguments)
    {
        Assert.True(arguments.TryValidate(out var settings, out var error), error);
        return settings! with { Timeout = TimeSpan.FromSeconds(30) };
    }

    [Fact]
    public async Task Echo_counts_every_message_sent_by_every_client()
    {
        await using var server = await TestServers.StartEchoAsync();
        var settings = Settings(new BenchArguments { Scenario = "echo", Target = TestServers.Target(server), Clients = 3, InFlight = 10, Size = 32, Count = 100 });
        var result = await BenchRunner.RunAsync(settings);
        Assert.Equal(300, result.Measurement.Messages);
        Assert.Equal(300 * 32, result.Measurement.Bytes);
        Assert.Null(result.Latency);
    }

    [Fact]
    public async Task Echo_with_a_window_larger_than_the_count_sends_only_the_count()
    {
        await using var server = await TestServers.StartEchoAsync();
        var settings = Settings(new BenchArguments { Scenario = "echo", Target = TestServers.Target(server), Clients = 1, InFlight = 1000, Size = 7, Count = 10 });
        var result = await BenchRunner.RunAsync(settings);
        Assert.Equal(10, result.Measurement.Messages);
        Assert.Equal(70, result.Measurement.Bytes);
    }

    [Theory]
    [InlineData(2)]    // blocking client threads
    [InlineData(70)]   // async clients, above the blocking limit
    public async Task Pingpong_records_one_latency_per_round_trip(int clients)
    {
        await using var server = await TestServers.StartEchoAsync();
        var settings = Settings(new BenchArguments { Scenario = "pingpong", Target = TestServers.Target(server), Clients = clients, Size = 16, Count = 20 });
        var result = await BenchRunner.RunAsync(settings);
        Assert.Equal(clients * 20, result.Measurement.Messages);
        Assert.NotNull(result.Latency);
        Assert.Equal(clients * 20, result.Latency!.Count);
        Assert.True(result.Latency.ValueAtPercentile(50) > 0);
    }

    [Fact]
    public async Task Pingpong_for_a_duration_stops_by_itself()
    {
        await using var server = await TestServers.StartEchoAsync();
        var settings = Settings(new BenchArguments { Scenario = "pingpong", Target = TestServers.Target(server), Duration = "300ms", Warmup = "100ms" });
        var result = await BenchRunner.RunAsync(settings);
        Assert.True(result.Measurement.Messages > 0);
        Assert.Equal(result.Measurement.Messages, result.Latency!.Count);
    }

    [Fact]
    public async Task Connections_opens_the_count_and_finds_the_server_process()
    {
        await using var server = await TestServers.StartEchoAsync();
        var settings = Settings(new BenchArguments { Scenario = "connections", Target = TestServers.Target(server), Clients = 25 });
        var result = await BenchRunner.RunAsync(settings);
        Assert.Equal(25, result.Measurement.Messages);
        var extras = result.Extras.ToDictionary(e => e.Key, e => e.Value);
        Assert.True(extras["connect_per_s"] > 0);
        if (OperatingSystem.IsLinux())
        {
            // The listener lives in this test process, so that is the process found from its socket.
            Assert.Equal(Environment.ProcessId, extras["server_pid"]);
            Assert.Equal(25, extras["server_connections"]);
            Assert.True(extras.ContainsKey("server_bytes_per_connection"));
        }
    }

    [Fact]
    public async Task Echo_with_a_server_pid_reports_the_servers_cpu_time_per_message()
    {
        await using var server = await TestServers.StartEchoAsync();
        // The server lives in this test process; its CPU time over the window includes the client's, which is
        // fine here: the test checks that the figure is measured and consistent, not how large it is.
        var settings = Settings(new BenchArguments { Scenario = "echo", Target = TestServers.Target(server), Clients = 2, InFlight = 100, Duration = "500ms", Warmup = "100ms", ServerPid = Environment.ProcessId });
        var result = await BenchRunner.RunAsync(settings);
        var figures = result.Figures.ToDictionary(e => e.Key, e => e.Value);
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(figures.ContainsKey("server_cpu_s"));
            return;
        }

        Assert.True(result.Measurement.Messages > 0);
        Assert.True(figures["server_cpu_s"] > 0, $"cpu {figures["server_cpu_s"]} s");
        Assert.Equal(figures["server_cpu_s"] * 1e9 / result.Measurement.Messages, figures["server_cpu_ns_per_msg"], 6);
        Assert.Equal(figures["server_cpu_s"] / result.DurationSeconds, figures["server_cpu_cores"], 6);
    }

    [Fact]
    public async Task Without_a_server_pid_no_cpu_time_is_reported()
    {
        await using var server = await TestServers.StartEchoAsync();
        var settings = Settings(new BenchArguments { Scenario = "echo", Target = TestServers.Target(server), Count = 10 });
        var result = await BenchRunner.RunAsync(settings);
        Assert.Null(result.Measurement.ServerCpu);
        Assert.DoesNotContain(result.Figures, f => f.Key.StartsWith("server_cpu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fanout_counts_each_line_once_per_receiving_client()
    {
        await using var server = await TestServers.StartRoomAsync();
        var settings = Settings(new BenchArguments { Scenario = "fanout", Target = TestServers.Target(server), Clients = 5, Senders = 2, InFlight = 4, Size = 64, Count = 30 });
        var result = await BenchRunner.RunAsync(settings);
        // 2 senders x 30 lines, each delivered to the 4 other clients.
        Assert.Equal(2 * 30 * 4, result.Measurement.Messages);
        Assert.Equal(2 * 30 * 4, result.Latency!.Count);
        Assert.Equal(60, result.Extras.Single(e => e.Key == "sent").Value);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_an_error_not_a_hang()
    {
        var settings = Settings(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Count = 1 });
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => BenchRunner.RunAsync(settings));
    }

    [Fact]
    public async Task The_command_line_prints_one_json_object()
    {
        await using var server = await TestServers.StartEchoAsync();
        var output = new StringWriter();
        var original = Console.Out;
        int exit;
        try
        {
            Console.SetOut(output);
            exit = await Program.BuildRootCommand().Parse(["bench", "echo", "--target", TestServers.Target(server), "--clients", "2", "--in-flight", "5", "--count", "50", "--json"]).InvokeAsync();
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        using var json = JsonDocument.Parse(line);
        Assert.Equal("echo", json.RootElement.GetProperty("scenario").GetString());
        Assert.Equal(100, json.RootElement.GetProperty("messages").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("clients").GetInt32());
    }

    [Fact]
    public async Task The_command_line_refuses_a_remote_target_with_a_usage_error()
    {
        var error = new StringWriter();
        var original = Console.Error;
        int exit;
        try
        {
            Console.SetError(error);
            exit = await Program.BuildRootCommand().Parse(["bench", "echo", "--target", "192.0.2.1:7", "--count", "1"]).InvokeAsync();
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(2, exit);
        Assert.Contains("loopback", error.ToString());
    }
}
