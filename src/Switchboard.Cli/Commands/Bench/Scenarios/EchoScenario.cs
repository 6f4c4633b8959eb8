namespace Switchboard.Cli.Commands.Bench.Scenarios;

/// <summary>
/// Throughput against any echo server. Each client keeps <c>in-flight x size</c> bytes outstanding: it sends that
/// window, then sends back as many bytes as it receives. Bytes are counted, not frames, so any echo server (ours,
/// socat, another library's) works; a message is <c>size</c> bytes of the stream.
/// </summary>
internal static class EchoScenario
{
    public static async Task<BenchResult> RunAsync(BenchRun run)
    {
        var s = run.Settings;
        var connections = await BenchClients.ConnectAsync(s, s.Clients, s.ConnectConcurrency, run.Aborted);
        try
        {
            var measurement = await run.MeasureAsync(i => ClientAsync(run, i, connections[i]), s.Clients);
            // Partial messages at either end of the window round down.
            return new BenchResult { Settings = s, Measurement = measurement with { Messages = measurement.Bytes / s.Size } };
        }
        finally
        {
            await BenchClients.DisposeAsync(connections);
        }
    }

    private static async Task ClientAsync(BenchRun run, int index, BenchConnection connection)
    {
        var s = run.Settings;
        long budget = s.Count is { } count ? count * s.Size : long.MaxValue;
        var window = (int)Math.Min((long)s.InFlight * s.Size, budget);
        var payload = new byte[Math.Max(window, 64 * 1024)];
        Array.Fill(payload, (byte)'x');
        var receive = new byte[Math.Max(window, 64 * 1024)];
        var stopping = run.Stopping;
        var aborted = run.Aborted;
        var counters = run.Counters;

        await connection.SendAsync(payload.AsMemory(0, window), aborted);
        long sent = window, received = 0;
        while (received < sent)
        {
            var read = await connection.ReceiveAsync(receive, aborted);
            if (read == 0)
            {
                throw new IOException($"the server closed client {index}'s connection with {sent - received} bytes unanswered");
            }

            received += read;
            counters[index].Bytes = received;
            counters[index].Messages = received / s.Size;
            if (stopping.IsCancellationRequested)
            {
                continue;
            }

            // Keep the window full: send back what came back, within the count.
            var more = (int)Math.Min(read, budget - sent);
            if (more > 0)
            {
                await connection.SendAsync(payload.AsMemory(0, more), aborted);
                sent += more;
            }
        }
    }
}
