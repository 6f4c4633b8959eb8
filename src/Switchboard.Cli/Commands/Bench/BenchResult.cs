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

    public static double Microseconds(long nanoseconds) => nanoseconds / 1000.0;
}
