using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Server;

/// <summary>
/// Bounds the output queued across every chat connection (<see cref="ChatServerOptions.MaxOutboundTotal"/>): the
/// per-connection limits alone allow MaxConnections x <see cref="ChatServerOptions.HardLimit"/> (320 GiB with the
/// defaults), which a crowd that never reads can fill. A sweep
/// sums the queues a few times a second; over the budget, it drops the worst offenders first (the largest queues,
/// and of equal ones the longest behind) until the total is back under three quarters of it. A connection with
/// less than <see cref="ChatServerOptions.OutboundBudgetFloor"/> queued is never dropped for it: a reader that
/// keeps up holds little, so it is never the one to go.
/// </summary>
internal sealed class OutboundBudget(ChatServerOptions options, SessionDirectory sessions, ChatEvents events, ILogger logger) : IAsyncDisposable
{
    // Often enough that a fan-out cannot overshoot by much (at most what arrives in one interval), rarely enough
    // that summing ten thousand counters costs nothing.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    // Stalled (over the floor, its output not leaving) at every sweep for this long: a reader that keeps up never is.
    private static readonly TimeSpan LongBehind = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Connections dropped by the budget so far.</summary>
    public long Dropped { get; private set; }

    public void Start()
    {
        if (options.MaxOutboundTotal <= 0)
        {
            return;
        }

        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    Sweep(Environment.TickCount64);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>One pass: note who is stalled, and drop the worst while the total is over the budget.</summary>
    internal void Sweep(long now)
    {
        var floor = options.OutboundBudgetFloor;
        long total = 0;
        List<(ChatSession Session, long Queued, int Rank)>? behind = null;
        foreach (var session in sessions.All)
        {
            var queued = session.QueuedBytes;
            var sent = session.BytesSent;
            var progress = sent - session.SentAtSweep;
            session.SentAtSweep = sent;
            total += queued;

            // Behind: over the floor and not draining. Under a CPU squeeze every send loop runs late and every
            // queue grows, a reader's included; what sets a non-reader apart is that its bytes stop leaving.
            if (queued < floor || progress >= floor / 4)
            {
                session.BehindSince = 0;
                if (queued >= floor)
                {
                    (behind ??= []).Add((session, queued, 2));
                }

                continue;
            }

            if (session.BehindSince == 0)
            {
                session.BehindSince = now;
            }

            (behind ??= []).Add((session, queued, now - session.BehindSince >= (long)LongBehind.TotalMilliseconds ? 0 : 1));
        }

        if (total <= options.MaxOutboundTotal || behind is null)
        {
            return;
        }

        // Stalled for a while first, largest queue first. Those only just stalled (longest stalled first), and then
        // those still draining (a reader that keeps up is one), only past twice the budget, as a last resort.
        var target = options.MaxOutboundTotal / 4 * 3;
        behind.Sort(static (a, b) => a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank)
            : a.Rank == 1 ? a.Session.BehindSince.CompareTo(b.Session.BehindSince)
            : b.Queued.CompareTo(a.Queued));
        foreach (var (session, queued, rank) in behind)
        {
            if (total <= target || (rank > 0 && total <= options.MaxOutboundTotal * 2))
            {
                break;
            }

            var reason = $"not reading: {queued} bytes queued while the server's output to all clients is over its budget of {options.MaxOutboundTotal / (1024 * 1024)} MiB";
            session.Abort(reason);
            total -= queued;
            Dropped++;
            ChatServer.Log.SlowConsumer(logger, session.ToString(), reason);
            events.Publish(new ChatServerEvent(ChatEventKind.Error, DateTimeOffset.UtcNow, session.Id, session.Nick, session.Peer, Text: reason));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
