using System.Text.Json;
using Switchboard.Cli.Commands.Bench;

namespace Switchboard.Cli.Tests.Bench;

public sealed class BenchJsonTests
{
    private static BenchSettings Settings(string scenario)
    {
        Assert.True(new BenchArguments { Scenario = scenario, Target = "127.0.0.1:7000", Clients = 4, Size = 64 }.TryValidate(out var settings, out var error), error);
        return settings!;
    }

    [Fact]
    public void A_throughput_run_is_one_line_with_the_required_fields_and_no_latency()
    {
        var result = new BenchResult { Settings = Settings("echo"), Measurement = new Measurement(1_000, 64_000, TimeSpan.FromSeconds(2)) };
        var text = BenchJson.Format(result);
        Assert.DoesNotContain('\n', text);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("echo", root.GetProperty("scenario").GetString());
        Assert.Equal("tcp", root.GetProperty("transport").GetString());
        Assert.Equal(4, root.GetProperty("clients").GetInt32());
        Assert.Equal(1000, root.GetProperty("in_flight").GetInt32());
        Assert.Equal(64, root.GetProperty("size").GetInt32());
        Assert.Equal(2.0, root.GetProperty("duration_s").GetDouble());
        Assert.Equal(1_000, root.GetProperty("messages").GetInt64());
        Assert.Equal(500.0, root.GetProperty("msgs_per_s").GetDouble());
        Assert.Equal(Math.Round(64_000 / 2.0 / 1048576, 3), root.GetProperty("mib_per_s").GetDouble());
        Assert.False(root.TryGetProperty("p50_us", out _));
    }

    [Fact]
    public void A_latency_run_has_percentiles_in_microseconds()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++)
        {
            histogram.Record(i * 1000L); // 1 µs .. 1 ms
        }

        var result = new BenchResult { Settings = Settings("pingpong"), Measurement = new Measurement(1000, 64_000, TimeSpan.FromSeconds(1)), Latency = histogram };
        using var json = JsonDocument.Parse(BenchJson.Format(result));
        var root = json.RootElement;
        Assert.Equal("pingpong", root.GetProperty("scenario").GetString());
        Assert.InRange(root.GetProperty("p50_us").GetDouble(), 500, 505);
        Assert.InRange(root.GetProperty("p90_us").GetDouble(), 900, 908);
        Assert.InRange(root.GetProperty("p99_us").GetDouble(), 990, 1000);
        Assert.InRange(root.GetProperty("p999_us").GetDouble(), 999, 1000);
        Assert.Equal(1000.0, root.GetProperty("max_us").GetDouble());
        Assert.Equal(1000, root.GetProperty("samples").GetInt64());
    }

    [Fact]
    public void Scenario_figures_are_appended_by_name()
    {
        var result = new BenchResult
        {
            Settings = Settings("connections"),
            Measurement = new Measurement(4, 0, TimeSpan.FromSeconds(0.5)),
            Extras = [new("connect_per_s", 8), new("server_bytes_per_connection", 6144.5)],
        };
        using var json = JsonDocument.Parse(BenchJson.Format(result));
        Assert.Equal(8, json.RootElement.GetProperty("connect_per_s").GetDouble());
        Assert.Equal(6144.5, json.RootElement.GetProperty("server_bytes_per_connection").GetDouble());
        Assert.Equal("connections", json.RootElement.GetProperty("scenario").GetString());
    }
}
