namespace Switchboard.Cli.Commands.Bench;

/// <summary>The figures of one run. Latencies are in nanoseconds in the histogram and microseconds in output.</summary>
internal sealed record BenchResult
{
    public required BenchSettings Settings { get; init; }

    public required Measurement Measurement { get; init; }

    /// <summary>Round-trip (pingpong) or end-to-end (fanout) latencies of the measured window; null for throughput-only scenarios.</summary>
    public LatencyHistogram? Latency { get; init; }

    /// <summary>Scenario-specific figures, in output order (name, value).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Extras { get; init; } = [];

    public double DurationSeconds => Measurement.Elapsed.TotalSeconds;

    public double MessagesPerSecond => DurationSeconds > 0 ? Measurement.Messages / DurationSeconds : 0;

    public double MebibytesPerSecond => DurationSeconds > 0 ? Measurement.Bytes / DurationSeconds / (1024.0 * 1024.0) : 0;

    /// <summary>
    /// <see cref="Extras"/>, then the server's CPU time over the measured window when it was measured: in all, per
    /// message (nanoseconds; a message is an echoed message, a round trip or a delivery) and in cores kept busy.
    /// </summary>
    public IEnumerable<KeyValuePair<string, double>> Figures
    {
        get
        {
            foreach (var extra in Extras)
            {
                yield return extra;
            }

            if (Measurement.ServerCpu is { } cpu)
            {
                yield return new("server_cpu_s", cpu.TotalSeconds);
                if (Measurement.Messages > 0)
                {
                    yield return new("server_cpu_ns_per_msg", cpu.TotalNanoseconds / Measurement.Messages);
                }

                if (DurationSeconds > 0)
                {
                    yield return new("server_cpu_cores", cpu.TotalSeconds / DurationSeconds);
                }
            }
        }
    }

    public static double Microseconds(long nanoseconds) => nanoseconds / 1000.0;
}
