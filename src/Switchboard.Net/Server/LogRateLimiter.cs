namespace Switchboard.Net;

/// <summary>
/// Keeps a repeated log line from flooding the log: at most <c>burst</c> lines per interval are let through; the
/// rest are counted, and the next line let through says how many were suppressed. One per kind of line (a flood
/// of refused or dropped clients writes the same warning thousands of times a second otherwise). Thread-safe.
/// </summary>
public sealed class LogRateLimiter
{
    private readonly Lock _gate = new();
    private readonly int _burst;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private long _windowStart;
    private int _inWindow;
    private long _suppressed;

    /// <summary>Creates a limiter.</summary>
    /// <param name="burst">Lines let through per interval: 10 by default.</param>
    /// <param name="interval">The interval: 10 s by default.</param>
    /// <param name="time">The clock (tests pass their own).</param>
    public LogRateLimiter(int burst = 10, TimeSpan? interval = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _burst = burst;
        _interval = interval ?? TimeSpan.FromSeconds(10);
        _time = time ?? TimeProvider.System;
        _windowStart = _time.GetTimestamp();
    }

    /// <summary>
    /// Whether to log this line now; when true, <paramref name="suppressed"/> is how many similar lines were
    /// swallowed since the last one logged (write it into the line: "N similar messages suppressed").
    /// </summary>
    public bool ShouldLog(out long suppressed)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_windowStart, now) >= _interval)
            {
                _windowStart = now;
                _inWindow = 0;
            }

            if (_inWindow < _burst)
            {
                _inWindow++;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }

    /// <summary>" (N similar messages suppressed)", or nothing when none were: for the end of a log line.</summary>
    public static string Note(long suppressed) => suppressed == 0 ? "" : $" ({suppressed} similar messages suppressed)";
}
