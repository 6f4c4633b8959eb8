namespace Switchboard.Net;

/// <summary>
/// The slow-consumer policy, as Redis and NATS apply it: a reader is dropped only when its queued output has stayed
/// past the soft limit for the soft-limit time, or has reached the hard limit; a reader that lags for a moment is
/// kept. The accounting is in <see cref="SendBuffer"/>; <see cref="ConnectionRegistry"/> does the dropping.
/// </summary>
public sealed partial class SwitchboardConnection
{
    /// <summary>Whether the queued output is at or past <see cref="ConnectionOptions.SlowConsumerSoftLimit"/>.</summary>
    public bool IsOverSoftLimit => (_outbound?.OverSoftLimitSince ?? 0) != 0;

    /// <summary>
    /// Queues bytes without ever waiting, up to the hard limit. False with a reason when the connection must be
    /// dropped as a slow consumer.
    /// </summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    internal bool TrySendOrExplain(ReadOnlySpan<byte> data, out string? dropReason)
    {
        var outbound = Outbound;
        dropReason = SoftLimitExpired(outbound);
        if (dropReason is not null)
        {
            return false;
        }

        if (!outbound.TryWrite(data, _options.SlowConsumerHardLimit, out var queued))
        {
            dropReason = $"outbound buffer at the hard limit ({queued} bytes queued, limit {_options.SlowConsumerHardLimit}): the peer is not reading";
            return false;
        }

        Interlocked.Increment(ref _messagesSent);
        return true;
    }

    /// <summary>
    /// Waits until the queued output is below the soft limit. Null then (or when the connection closed); the reason
    /// to drop it when it stayed past the limit for the soft-limit time.
    /// </summary>
    internal async ValueTask<string?> WaitUntilKeepingUpAsync(CancellationToken cancellationToken)
    {
        if (_outbound is not { } outbound)
        {
            return null;
        }

        while (outbound.OverSoftLimitSince is var since and not 0)
        {
            var remaining = since + (long)_options.SlowConsumerSoftLimitTime.TotalMilliseconds - Environment.TickCount64;
            if (remaining <= 0)
            {
                return SoftLimitExpired(outbound);
            }

            try
            {
                await outbound.WaitBelowSoftLimitAsync(cancellationToken).WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken);
            }
            catch (TimeoutException)
            {
                // Checked again above: it may have fallen below the limit just as the time ran out.
            }
        }

        return null;
    }

    private string? SoftLimitExpired(SendBuffer outbound)
    {
        var since = outbound.OverSoftLimitSince;
        var limit = _options.SlowConsumerSoftLimitTime;
        if (since == 0 || Environment.TickCount64 - since < limit.TotalMilliseconds)
        {
            return null;
        }

        return $"outbound buffer past the soft limit ({outbound.QueuedBytes} bytes queued, limit {_options.SlowConsumerSoftLimit}) for {limit.TotalSeconds:0.###} s: the peer is not reading fast enough";
    }
}
