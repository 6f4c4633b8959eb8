using System.Diagnostics;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>
/// The measured window of a run: what the clients did between its two ends, and the CPU time the server
/// (<see cref="BenchSettings.ServerPid"/>) spent in the same window, when it was given and could be read.
/// </summary>
internal readonly record struct Measurement(long Messages, long Bytes, TimeSpan Elapsed, TimeSpan? ServerCpu = null);

/// <summary>
/// The clock and the counters of one run, shared by its clients and the progress display. A duration run warms up,
/// measures between two snapshots, then asks the clients to stop (they drain what is in flight, outside the
/// window); a count run measures from start to the last client's end. Either way <see cref="BenchSettings.Timeout"/>
/// cancels everything.
/// </summary>
internal sealed class BenchRun : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborted;
    private volatile bool _measuring;
    private volatile string _phase = "connecting";
    private long _startTimestamp = Stopwatch.GetTimestamp();

    public BenchRun(BenchSettings settings, int clients, CancellationToken cancellationToken)
    {
        Settings = settings;
        Counters = new BenchCounters(clients);
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _aborted.CancelAfter(settings.Timeout);
    }

    public BenchSettings Settings { get; }

    public BenchCounters Counters { get; }

    /// <summary>Clients stop starting new messages when this fires, and finish the ones in flight.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Everything ends now: the timeout, or the user's Ctrl+C.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Whether latencies are being recorded (false during warm-up and drain).</summary>
    public bool Measuring => _measuring;

    public string Phase => _phase;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>When the measured run started (stopwatch ticks).</summary>
    public long StartTimestamp => _startTimestamp;

    public void SetPhase(string phase) => _phase = phase;

    /// <summary>Runs one task per client and measures them; the clients are already connected.</summary>
    public async Task<Measurement> MeasureAsync(Func<int, Task> client, int clients)
    {
        _startTimestamp = Stopwatch.GetTimestamp();
        if (Settings.Duration is not { } duration)
        {
            _phase = "running";
            _measuring = true;
            var cpuAtStart = ServerCpu();
            await WhenAllAsync(client, clients);
            var (messages, bytes) = Counters.Snapshot();
            return new Measurement(messages, bytes, Elapsed, ServerCpu() - cpuAtStart);
        }

        _phase = "warming up";
        var all = WhenAllAsync(client, clients);
        await Task.WhenAny(all, Task.Delay(Settings.Warmup, Aborted));
        var first = Counters.Snapshot();
        var firstAt = Stopwatch.GetTimestamp();
        var firstCpu = ServerCpu();
        _measuring = true;
        _phase = "measuring";
        await Task.WhenAny(all, Task.Delay(duration, Aborted));
        var last = Counters.Snapshot();
        var elapsed = Stopwatch.GetElapsedTime(firstAt);
        var lastCpu = ServerCpu();
        _measuring = false;
        _phase = "draining";
        _stopping.Cancel();
        await all;
        Aborted.ThrowIfCancellationRequested();
        return new Measurement(last.Messages - first.Messages, last.Bytes - first.Bytes, elapsed, lastCpu - firstCpu);
    }

    private TimeSpan? ServerCpu() => Settings.ServerPid is { } pid ? ServerProcess.CpuTime(pid) : null;

    private async Task WhenAllAsync(Func<int, Task> client, int clients)
    {
        var tasks = new Task[clients];
        for (var i = 0; i < clients; i++)
        {
            var index = i;
            tasks[i] = Task.Run(() => client(index), Aborted);
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // One failed client spoils the figures: stop the others rather than measure a partial run.
            _aborted.Cancel();
            throw;
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _aborted.Dispose();
    }
}
