namespace Switchboard.Cli.Commands.Bench;

/// <summary>Opens the clients of a run, a bounded number at a time, before the clock starts.</summary>
internal static class BenchClients
{
    public static async Task<BenchConnection[]> ConnectAsync(BenchSettings settings, int count, int concurrency, CancellationToken cancellationToken, bool blocking = false)
    {
        var connections = new BenchConnection[count];
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var target = settings.Targets.Count > 1 ? settings.Targets[i % settings.Targets.Count] : settings.Target;
                connections[i] = await BenchConnection.ConnectAsync(target, settings.Tls, ct, blocking);
            });
            return connections;
        }
        catch
        {
            await DisposeAsync(connections);
            throw;
        }
    }

    public static async Task DisposeAsync(BenchConnection?[] connections)
    {
        foreach (var connection in connections)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
