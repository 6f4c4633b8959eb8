using System.Diagnostics;

namespace Switchboard.Cli.Commands.Bench.Scenarios;

/// <summary>
/// Round-trip latency: each client sends one message of <c>size</c> bytes, waits for all of it to come back, and
/// records the time, one message in flight at a time (as sockperf's ping-pong).
/// </summary>
internal static class PingPongScenario
{
    public static async Task<BenchResult> RunAsync(BenchRun run)
    {
        var s = run.Settings;
        var connections = await BenchClients.ConnectAsync(s, s.Clients, s.ConnectConcurrency, run.Aborted);
        var histograms = new LatencyHistogram[s.Clients];
        try
        {
            var measurement = await run.MeasureAsync(i => ClientAsync(run, i, connections[i], histograms[i] = new LatencyHistogram()), s.Clients);
            var merged = new LatencyHistogram();
            foreach (var histogram in histograms)
            {
                merged.Merge(histogram);
            }

            return new BenchResult { Settings = s, Measurement = measurement, Latency = merged };
        }
        finally
        {
            await BenchClients.DisposeAsync(connections);
        }
    }

    private static async Task ClientAsync(BenchRun run, int index, BenchConnection connection, LatencyHistogram histogram)
    {
        var s = run.Settings;
        var payload = new byte[s.Size];
        Array.Fill(payload, (byte)'p');
        var reply = new byte[s.Size];
        var limit = s.Count ?? long.MaxValue;
        var counters = run.Counters;
        var stopping = run.Stopping;
        var aborted = run.Aborted;
        for (long done = 0; done < limit && !stopping.IsCancellationRequested; done++)
        {
            var started = Stopwatch.GetTimestamp();
            await connection.SendAsync(payload, aborted);
            if (!await connection.ReceiveExactlyAsync(reply, aborted))
            {
                throw new IOException($"the server closed client {index}'s connection after {done} round trips");
            }

            var ended = Stopwatch.GetTimestamp();
            if (run.Measuring)
            {
                histogram.Record(BenchClock.Nanoseconds(ended - started));
            }

            counters[index].Messages = done + 1;
            counters[index].Bytes = (done + 1) * s.Size;
        }
    }
}
