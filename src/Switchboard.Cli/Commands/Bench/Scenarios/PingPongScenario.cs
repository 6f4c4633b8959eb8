using System.Diagnostics;

namespace Switchboard.Cli.Commands.Bench.Scenarios;

/// <summary>
/// Round-trip latency: each client sends one message of <c>size</c> bytes, waits for all of it to come back, and
/// records the time, one message in flight at a time (as sockperf's ping-pong). Up to
/// <see cref="MaxBlockingClients"/> plain-socket clients each get a thread of their own blocked in recv(2), as
/// sockperf does, so the figure is the server's and the kernel's, not the client's thread-pool hand-offs.
/// </summary>
internal static class PingPongScenario
{
    public const int MaxBlockingClients = 64;

    public static async Task<BenchResult> RunAsync(BenchRun run)
    {
        var s = run.Settings;
        var blocking = s.Clients <= MaxBlockingClients && !s.Tls;
        var connections = await BenchClients.ConnectAsync(s, s.Clients, s.ConnectConcurrency, run.Aborted, blocking);
        var histograms = new LatencyHistogram[s.Clients];
        try
        {
            var measurement = await run.MeasureAsync(
                i =>
                {
                    histograms[i] = new LatencyHistogram();
                    return blocking ? RunBlockingAsync(run, i, connections[i], histograms[i]) : ClientAsync(run, i, connections[i], histograms[i]);
                },
                s.Clients);
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

    private static Task RunBlockingAsync(BenchRun run, int index, BenchConnection connection, LatencyHistogram histogram)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ClientBlocking(run, index, connection, histogram);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = $"pingpong {index}",
        };
        thread.Start();
        return done.Task;
    }

    private static void ClientBlocking(BenchRun run, int index, BenchConnection connection, LatencyHistogram histogram)
    {
        var s = run.Settings;
        var buffer = new byte[s.Size];
        var reply = new byte[s.Size];
        Array.Fill(buffer, (byte)'p');
        // A server that stops answering ends the run with an error, not a hang: the run's own timeout cannot
        // interrupt a blocked recv(2), this can.
        connection.SetReceiveTimeout(s.Timeout);
        var limit = s.Count ?? long.MaxValue;
        var counters = run.Counters;
        var stopping = run.Stopping;
        for (long done = 0; done < limit && !stopping.IsCancellationRequested; done++)
        {
            run.Aborted.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            connection.Send(buffer);
            if (!connection.ReceiveExactly(reply))
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
