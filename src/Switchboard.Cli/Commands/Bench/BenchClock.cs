using System.Diagnostics;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>Stopwatch ticks to nanoseconds. Not through TimeSpan, whose 100 ns ticks would blur loopback round trips.</summary>
internal static class BenchClock
{
    private static readonly double s_nanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public static long Nanoseconds(long stopwatchTicks) => (long)(stopwatchTicks * s_nanosecondsPerTick);
}
