using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Switchboard.Net.Tests.Transport;

/// <summary>Runs alone, after the parallel tests: it compares the process's descriptors and memory.</summary>
[CollectionDefinition(nameof(ChurnCollection), DisableParallelization = true)]
public sealed class ChurnCollection;

/// <summary>
/// Opening and closing many connections leaves nothing behind: no descriptor, no connection kept alive by a
/// registry, a metric or a timer.
/// </summary>
[Collection(nameof(ChurnCollection))]
public sealed class ConnectionChurnTests(ITestOutputHelper output)
{
    private const int Connections = 20_000;
    private const int Parallel = 50;

    [Fact]
    public async Task Twenty_thousand_connections_leak_no_descriptors_and_no_memory()
    {
        var served = 0;
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            // The server speaks and closes first, so TIME_WAIT stays on its side and the client's ephemeral
            // ports are free again at once (20,000 of them in TIME_WAIT would crowd the machine's range).
            await c.SendAsync("bye\n"u8.ToArray(), ct);
            Interlocked.Increment(ref served);
        });
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;

        // A warm-up, so the baseline already has the thread pool, the timers and the pools the churn grows.
        await ChurnAsync(port, 1_000);
        var (fdsBefore, bytesBefore) = await SettledAsync(listener);

        var clock = Stopwatch.StartNew();
        await ChurnAsync(port, Connections);
        var churnTime = clock.Elapsed;
        var (fdsAfter, bytesAfter) = await SettledAsync(listener);
        output.WriteLine($"{Connections} connections in {churnTime.TotalSeconds:0.0} s; fds {fdsBefore} -> {fdsAfter}; managed heap {bytesBefore / 1024} KiB -> {bytesAfter / 1024} KiB");
        Assert.Equal(Connections + 1_000, Volatile.Read(ref served));
        // A few descriptors of slack: the runtime may add a thread (and its eventfd) meanwhile. A leak is one per connection.
        Assert.InRange(fdsAfter, 0, fdsBefore + 16);
        // A connection holds kilobytes (pipes, buffers, state): 20,000 kept alive would be tens of megabytes, and
        // even a 200-byte leftover per connection crosses this bound.
        Assert.InRange(bytesAfter, 0, bytesBefore + (4L << 20));
    }

    /// <summary>Opens and closes <paramref name="count"/> connections, <see cref="Parallel"/> at a time.</summary>
    private static async Task ChurnAsync(int port, int count)
    {
        var next = 0;
        // One deadline for the whole churn: a timer per connection would itself hold memory until it fired.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var token = deadline.Token;
        var workers = Enumerable.Range(0, Parallel).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[16];
            while (Interlocked.Increment(ref next) <= count)
            {
                await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, cancellationToken: token);
                // Read to the server's FIN: the connection has been served whole.
                while (true)
                {
                    var result = await client.Input.ReadAsync(token);
                    client.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
            }
        }));
        await Task.WhenAll(workers);
    }

    /// <summary>Waits until the listener has let go of every connection, then counts descriptors and the live heap.</summary>
    private static async Task<(int Fds, long Bytes)> SettledAsync(SwitchboardListener listener)
    {
        await TestTimeout.UntilAsync(() => listener.Connections.Count == 0, "every connection has ended on the server");
        // The server's handlers finish their disposal just after leaving the registry: let the count settle.
        var fds = CountFds();
        var deadline = DateTime.UtcNow + TestTimeout.Default;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            var now = CountFds();
            if (now == fds)
            {
                break;
            }

            fds = now;
        }

        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return (fds, GC.GetTotalMemory(forceFullCollection: true));
    }

    private static int CountFds() => Directory.GetFileSystemEntries("/proc/self/fd").Length;
}
