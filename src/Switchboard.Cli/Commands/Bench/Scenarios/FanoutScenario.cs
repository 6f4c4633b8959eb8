using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace Switchboard.Cli.Commands.Bench.Scenarios;

/// <summary>
/// Chat fan-out over the plain line protocol of <c>switchboard serve</c>: every client takes a nick
/// (<c>/nick benchN</c>) in the default room; the first <c>senders</c> clients send lines carrying a marker, their id,
/// a sequence number and the send time, and every client parses what it receives. Each marked line received is one
/// delivery; its end-to-end latency is receive time minus send time (one process, one clock). The last client never
/// sends and acts as the observer for flow control: a sender keeps at most <c>in-flight</c> lines ahead of what the
/// observer has received from it, so the server's buffers, not ours, set the pace. With <c>--rate</c> the senders
/// instead send evenly paced lines at that total rate. Against several nodes of a cluster (client i on node
/// i mod n), latencies are also split by whether sender and receiver are on the same node or not.
/// </summary>
internal static class FanoutScenario
{
    private static readonly byte[] s_marker = "fb1:"u8.ToArray();
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(1);

    public static async Task<BenchResult> RunAsync(BenchRun run)
    {
        var s = run.Settings;
        if (s.Senders < 1 || s.Senders >= s.Clients)
        {
            throw new BenchException("fanout needs at least one sender and one client that only listens: --senders must be 1 to clients-1");
        }

        var connections = await BenchClients.ConnectAsync(s, s.Clients, s.ConnectConcurrency, run.Aborted);
        var state = new FanoutState(s.Senders, CancellationTokenSource.CreateLinkedTokenSource(run.Aborted));
        var histograms = new LatencyHistogram[s.Clients];
        var crossNode = new LatencyHistogram[s.Clients];
        try
        {
            run.SetPhase("joining");
            for (var i = 0; i < s.Clients; i++)
            {
                histograms[i] = new LatencyHistogram();
                crossNode[i] = new LatencyHistogram();
                await connections[i].SendAsync(Encoding.UTF8.GetBytes($"/nick bench{i}\n"), run.Aborted);
            }

            // Let the joins and their notices go by before the clock starts.
            await Task.Delay(TimeSpan.FromMilliseconds(500), run.Aborted);
            var measurement = await run.MeasureAsync(i => ClientAsync(run, state, i, connections[i], histograms[i], crossNode[i]), s.Clients);
            if (s.Duration is null && state.LastDelivery > run.StartTimestamp)
            {
                // A count run ends at its last delivery, not after the grace period that waits for stragglers.
                measurement = measurement with { Elapsed = TimeSpan.FromSeconds((state.LastDelivery - run.StartTimestamp) / (double)Stopwatch.Frequency) };
            }

            var sameNodes = new LatencyHistogram();
            var crossNodes = new LatencyHistogram();
            for (var i = 0; i < s.Clients; i++)
            {
                sameNodes.Merge(histograms[i]);
                crossNodes.Merge(crossNode[i]);
            }

            var merged = new LatencyHistogram();
            merged.Merge(sameNodes);
            merged.Merge(crossNodes);
            List<KeyValuePair<string, double>> extras = [new("senders", s.Senders), new("deliveries_per_s", measurement.Messages / measurement.Elapsed.TotalSeconds), new("sent", state.TotalSent)];
            if (s.Rate is { } rate)
            {
                extras.Add(new("rate_lines_per_s", rate));
            }

            if (s.Targets.Count > 1)
            {
                extras.Add(new("same_node_p50_ms", sameNodes.ValueAtPercentile(50) / 1e6));
                extras.Add(new("same_node_p99_ms", sameNodes.ValueAtPercentile(99) / 1e6));
                extras.Add(new("cross_node_p50_ms", crossNodes.ValueAtPercentile(50) / 1e6));
                extras.Add(new("cross_node_p99_ms", crossNodes.ValueAtPercentile(99) / 1e6));
            }

            return new BenchResult
            {
                Settings = s,
                Measurement = measurement,
                Latency = merged,
                Extras = extras,
            };
        }
        finally
        {
            state.Drained.Dispose();
            await BenchClients.DisposeAsync(connections);
        }
    }

    private static Task ClientAsync(BenchRun run, FanoutState state, int index, BenchConnection connection, LatencyHistogram histogram, LatencyHistogram crossNode)
    {
        var receiving = ReceiveAsync(run, state, index, connection, histogram, crossNode);
        return index < run.Settings.Senders ? Task.WhenAll(receiving, SendAsync(run, state, index, connection)) : receiving;
    }

    private static async Task SendAsync(BenchRun run, FanoutState state, int sender, BenchConnection connection)
    {
        var s = run.Settings;
        var limit = s.Count ?? long.MaxValue;
        var line = new byte[Math.Max(s.Size, 64)];
        long seq = 0;
        var receivers = s.Clients - 1L;

        // Paced: line seq of this sender is due at start + seq * interval, senders staggered over one interval.
        var interval = s.Rate is { } rate ? (double)Stopwatch.Frequency * s.Senders / rate : 0;
        var start = Stopwatch.GetTimestamp() + (long)(interval * sender / s.Senders);
        for (; seq < limit && !run.Stopping.IsCancellationRequested; seq++)
        {
            if (interval > 0)
            {
                var wait = start + (long)(interval * seq) - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), run.Stopping).ContinueWith(static _ => { }, TaskScheduler.Default);
                    if (run.Stopping.IsCancellationRequested)
                    {
                        break;
                    }
                }
            }

            // Deliveries still owed for lines 0..seq-1; a server that echoes to the sender only loosens this.
            while ((seq * receivers) - Volatile.Read(ref state.Delivered[sender]) >= s.InFlight * receivers)
            {
                await state.Space[sender].WaitAsync(TimeSpan.FromMilliseconds(20), run.Aborted);
                if (run.Stopping.IsCancellationRequested)
                {
                    break;
                }
            }

            var length = Format(line, sender, seq, Stopwatch.GetTimestamp(), s.Size);
            await connection.SendAsync(line.AsMemory(0, length), run.Aborted);
        }

        state.SenderFinished(seq);
    }

    /// <summary>"fb1:SENDER:SEQ:TIMESTAMP:" padded with 'x' to the message size, then LF.</summary>
    internal static int Format(Span<byte> line, int sender, long seq, long timestamp, int size)
    {
        s_marker.CopyTo(line);
        var at = s_marker.Length;
        foreach (var number in (ReadOnlySpan<long>)[sender, seq, timestamp])
        {
            Utf8Formatter.TryFormat(number, line[at..], out var written);
            at += written;
            line[at++] = (byte)':';
        }

        while (at < size - 1)
        {
            line[at++] = (byte)'x';
        }

        line[at++] = (byte)'\n';
        return at;
    }

    /// <summary>Finds a marked line's sender, sequence number and send time, wherever the server put it in the line.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> line, out int sender, out long seq, out long timestamp)
    {
        sender = 0;
        seq = timestamp = 0;
        var at = line.IndexOf(s_marker);
        if (at < 0)
        {
            return false;
        }

        line = line[(at + s_marker.Length)..];
        if (!Utf8Parser.TryParse(line, out sender, out var n) || n >= line.Length || line[n] != ':')
        {
            return false;
        }

        line = line[(n + 1)..];
        if (!Utf8Parser.TryParse(line, out seq, out n) || n >= line.Length || line[n] != ':')
        {
            return false;
        }

        line = line[(n + 1)..];
        return Utf8Parser.TryParse(line, out timestamp, out n) && n < line.Length && line[n] == ':';
    }

    private static async Task ReceiveAsync(BenchRun run, FanoutState state, int index, BenchConnection connection, LatencyHistogram histogram, LatencyHistogram crossNode)
    {
        var s = run.Settings;
        var nodes = s.Targets.Count;
        var receivers = s.Clients - 1L;
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var counters = run.Counters;
        long deliveries = 0, bytes = 0;
        using var registration = run.Stopping.Register(() => state.StartDrainTimer(s_grace));
        while (true)
        {
            int read;
            try
            {
                read = await connection.ReceiveAsync(buffer.AsMemory(filled), state.Drained.Token);
            }
            catch (OperationCanceledException) when (state.Drained.IsCancellationRequested && !run.Aborted.IsCancellationRequested)
            {
                return;
            }

            if (read == 0)
            {
                throw new IOException($"the server closed client {index}'s connection");
            }

            var now = Stopwatch.GetTimestamp();
            filled += read;
            var start = 0;
            int lf;
            while ((lf = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n')) >= 0)
            {
                var line = buffer.AsSpan(start, lf);
                start += lf + 1;
                if (!TryParse(line, out var sender, out var seq, out var sentAt) || (uint)sender >= (uint)s.Senders)
                {
                    continue;
                }

                deliveries++;
                bytes += lf + 1;
                if (run.Measuring)
                {
                    // Sender k is client k, on node k mod n like every client.
                    (nodes > 1 && sender % nodes != index % nodes ? crossNode : histogram).Record(BenchClock.Nanoseconds(Math.Max(0, now - sentAt)));
                }

                state.Deliver(sender, receivers);
                state.LastDelivery = now;
            }

            if (start == 0 && filled == buffer.Length)
            {
                throw new IOException($"client {index} received a line longer than {buffer.Length} bytes");
            }

            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;
            counters[index].Messages = deliveries;
            counters[index].Bytes = bytes;
        }
    }

    /// <summary>What senders and the observer share: per-sender progress, and the end of the run.</summary>
    private sealed class FanoutState(int senders, CancellationTokenSource drained)
    {
        private int _finished;
        private long _sent;

        /// <summary>Per sender, how many of its lines have been received, summed over all receivers.</summary>
        public long[] Delivered { get; } = new long[senders];

        public SemaphoreSlim[] Space { get; } = Enumerable.Range(0, senders).Select(_ => new SemaphoreSlim(0)).ToArray();

        /// <summary>When the latest delivery arrived (stopwatch ticks): the end of a count run.</summary>
        public long LastDelivery;

        /// <summary>Cancelled a grace period after the last line was sent: receivers stop.</summary>
        public CancellationTokenSource Drained { get; } = drained;

        public long TotalSent => Interlocked.Read(ref _sent);

        public void Deliver(int sender, long receivers)
        {
            // Wake the sender when one more of its lines has (probably) reached everyone; it re-checks anyway.
            if (Interlocked.Increment(ref Delivered[sender]) % receivers == 0 && Space[sender].CurrentCount == 0)
            {
                Space[sender].Release();
            }
        }

        public void SenderFinished(long sent)
        {
            Interlocked.Add(ref _sent, sent);
            if (Interlocked.Increment(ref _finished) == senders)
            {
                // Flow control keeps at most in-flight lines per sender unanswered, so they arrive well within this.
                StartDrainTimer(s_grace);
            }
        }

        public void StartDrainTimer(TimeSpan grace)
        {
            try
            {
                Drained.CancelAfter(grace);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
