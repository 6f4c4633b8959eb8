using System.Diagnostics;

namespace Switchboard.Cli.Commands.Bench.Scenarios;

/// <summary>
/// Opens <c>clients</c> idle connections and holds them: the connect rate, and the server's resident memory per
/// connection (VmRSS after minus before, divided by the connections the server is seen to hold).
/// </summary>
internal static class ConnectionsScenario
{
    private static readonly TimeSpan s_acceptWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(1);

    public static async Task<BenchResult> RunAsync(BenchRun run)
    {
        var s = run.Settings;
        // Our side needs one descriptor per connection, plus the runtime's own.
        var limit = FileDescriptorLimit.EnsureAtLeast(s.Clients + 512L);
        if (limit < s.Clients + 64L)
        {
            throw new BenchException($"cannot hold {s.Clients} connections: the file-descriptor limit is {limit} and could not be raised");
        }

        var pid = s.ServerPid ?? ServerProcess.FindListener(s.Target);
        var rssBefore = pid is { } p1 ? ServerProcess.ResidentKib(p1) : null;
        var fdsBefore = pid is { } p2 ? ServerProcess.OpenDescriptors(p2) : null;

        run.SetPhase("connecting");
        var started = Stopwatch.GetTimestamp();
        BenchConnection[] connections;
        connections = await ConnectCountingAsync(run);
        var connectTime = Stopwatch.GetElapsedTime(started);
        try
        {
            var extras = new List<KeyValuePair<string, double>>
            {
                new("connect_per_s", s.Clients / connectTime.TotalSeconds),
                new("fd_limit", limit),
            };

            if (pid is { } server && rssBefore is { } before)
            {
                run.SetPhase("waiting for the server to accept");
                var held = await WaitForDescriptorsAsync(server, fdsBefore ?? 0, s.Clients, run.Aborted);
                await Task.Delay(s_settle, run.Aborted);
                var after = ServerProcess.ResidentKib(server) ?? before;
                extras.Add(new("server_pid", server));
                extras.Add(new("server_connections", held));
                extras.Add(new("server_rss_before_kib", before));
                extras.Add(new("server_rss_after_kib", after));
                extras.Add(new("server_bytes_per_connection", held > 0 ? (after - before) * 1024.0 / held : 0));
            }

            var measurement = new Measurement(s.Clients, 0, connectTime);
            return new BenchResult { Settings = s, Measurement = measurement, Extras = extras };
        }
        finally
        {
            run.SetPhase("closing");
            await BenchClients.DisposeAsync(connections);
        }
    }

    private static async Task<BenchConnection[]> ConnectCountingAsync(BenchRun run)
    {
        var s = run.Settings;
        var connections = new BenchConnection?[s.Clients];
        var counters = run.Counters;
        try
        {
            await Parallel.ForAsync(0, s.Clients, new ParallelOptions { MaxDegreeOfParallelism = s.ConnectConcurrency, CancellationToken = run.Aborted }, async (i, ct) =>
            {
                connections[i] = await BenchConnection.ConnectAsync(s.Target, s.Tls, ct);
                counters[i].Messages = 1;
            });
        }
        catch
        {
            await BenchClients.DisposeAsync(connections);
            throw;
        }

        return connections!;
    }

    /// <summary>Waits until the server holds <paramref name="wanted"/> more descriptors, so every connection is accepted.</summary>
    private static async Task<int> WaitForDescriptorsAsync(int pid, int before, int wanted, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(s_acceptWait.TotalSeconds * Stopwatch.Frequency);
        var held = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            held = (ServerProcess.OpenDescriptors(pid) ?? before) - before;
            if (held >= wanted)
            {
                return wanted;
            }

            await Task.Delay(100, cancellationToken);
        }

        return Math.Max(held, 0);
    }
}
