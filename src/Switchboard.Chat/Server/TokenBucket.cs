namespace Switchboard.Chat.Server;

/// <summary>
/// The per-connection rate limit: <c>burst</c> lines at once, refilled at <c>rate</c> lines per second. Used by one
/// connection's read loop only, so it needs no lock.
/// </summary>
internal sealed class TokenBucket(double ratePerSecond, int burst, TimeProvider time)
{
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    public bool TryTake()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        _tokens = Math.Min(burst, _tokens + elapsed * ratePerSecond);
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
