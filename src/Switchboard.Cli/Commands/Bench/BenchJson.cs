using System.Text;
using System.Text.Json;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>The <c>--json</c> output: one object per run, on one line, with snake_case names for scripts.</summary>
internal static class BenchJson
{
    public static string Format(BenchResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            Write(json, result);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter json, BenchResult result)
    {
        var s = result.Settings;
        json.WriteStartObject();
        json.WriteString("scenario", s.Scenario.ToString().ToLowerInvariant());
        json.WriteString("target", s.Target.Display);
        json.WriteString("transport", s.Target.IsUnix ? "unix" : s.Tls ? "tls" : "tcp");
        json.WriteNumber("clients", s.Clients);
        json.WriteNumber("in_flight", s.InFlight);
        json.WriteNumber("size", s.Size);
        json.WriteNumber("duration_s", Round(result.DurationSeconds, 3));
        json.WriteNumber("messages", result.Measurement.Messages);
        json.WriteNumber("bytes", result.Measurement.Bytes);
        json.WriteNumber("msgs_per_s", Round(result.MessagesPerSecond, 1));
        json.WriteNumber("mib_per_s", Round(result.MebibytesPerSecond, 3));
        if (result.Latency is { } latency)
        {
            json.WriteNumber("samples", latency.Count);
            json.WriteNumber("p50_us", Us(latency.ValueAtPercentile(50)));
            json.WriteNumber("p90_us", Us(latency.ValueAtPercentile(90)));
            json.WriteNumber("p99_us", Us(latency.ValueAtPercentile(99)));
            json.WriteNumber("p999_us", Us(latency.ValueAtPercentile(99.9)));
            json.WriteNumber("max_us", Us(latency.Max));
            json.WriteNumber("mean_us", Round(latency.Mean / 1000.0, 3));
        }

        foreach (var (name, value) in result.Figures)
        {
            json.WriteNumber(name, Round(value, 3));
        }

        json.WriteEndObject();
    }

    private static double Us(long nanoseconds) => Round(BenchResult.Microseconds(nanoseconds), 3);

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
