namespace Switchboard.Chat.Server;

/// <summary>
/// One session's side of <see cref="InputLimits"/>: its rate bucket and the counts of dropped and invalid lines, and
/// the notice and close when one runs out. Thread-safe: a connection's read loop calls it from one thread, but a web
/// user's lines arrive in calls of their own, and its idle clock fires from a timer.
/// </summary>
internal sealed class SessionInput(InputLimits limits, ChatSession session)
{
    private readonly Lock _gate = new();
    // Made on the first line: most of a crowd of idle connections never sends one.
    private TokenBucket? _bucket;
    private int _dropped;
    private int _invalid;
    private long _lastRateNotice = Environment.TickCount64 - 1000;
    private ITimer? _idleClock;
    private bool _stopped;

    private ChatServerOptions Options => limits.Options;

    /// <summary>
    /// A line arrived: null when it is within the rate limit (and ends a run of dropped ones); otherwise it is
    /// dropped, and past <see cref="ChatServerOptions.FloodDisconnectAfter"/> drops in a row the session is closed.
    /// </summary>
    public async Task<InputRefusal?> TakeAsync()
    {
        int dropped;
        bool notify;
        lock (_gate)
        {
            if ((_bucket ??= new TokenBucket(Options.RateLimitPerSecond, Options.RateLimitBurst, TimeProvider.System)).TryTake())
            {
                _dropped = 0;
                return null;
            }

            dropped = ++_dropped;
            notify = Environment.TickCount64 - _lastRateNotice >= 1000;
            if (notify)
            {
                _lastRateNotice = Environment.TickCount64;
            }
        }

        limits.Metrics.RateLimited();
        if (dropped >= Options.FloodDisconnectAfter)
        {
            var text = $"{dropped} lines over the rate limit; closing";
            return new InputRefusal("flood", text, true, await CloseAsync("flood", text, "flood"));
        }

        if (notify)
        {
            ChatServer.Log.InputRejected(limits.Logger, session.ToString(), "rate-limited");
        }

        return new InputRefusal("rate-limited", $"too many lines: at most {Options.RateLimitPerSecond:0.#} per second; line dropped", notify, null);
    }

    /// <summary>
    /// A line that is not valid input (<paramref name="code"/>: bad UTF-8, a NUL byte...): dropped and counted; the
    /// <see cref="ChatServerOptions.MaxInvalidLines"/>th closes the session.
    /// </summary>
    public async Task<InputRefusal> InvalidAsync(string code, string text)
    {
        int count;
        lock (_gate)
        {
            count = ++_invalid;
        }

        ChatServer.Log.InputRejected(limits.Logger, session.ToString(), code);
        limits.Events.Publish(new ChatServerEvent(ChatEventKind.Error, DateTimeOffset.UtcNow, session.Id, session.Nick, session.Peer, Text: code));
        if (count >= Options.MaxInvalidLines)
        {
            var closing = $"{count} invalid lines; closing";
            return new InputRefusal(code, closing, true, await CloseAsync(code, closing, $"too many invalid lines ({code})"));
        }

        return new InputRefusal(code, text, true, null);
    }

    /// <summary>Nothing received for <see cref="ChatServerOptions.IdleTimeout"/>: tells the user and closes; returns the end reason.</summary>
    public Task<string> IdleAsync()
        => CloseAsync("idle-timeout", $"nothing received for {Options.IdleTimeout.TotalSeconds:0} s; closing", "idle timeout");

    /// <summary>Tells the user why (<paramref name="code"/>, <paramref name="text"/>) and closes the session gracefully; returns <paramref name="reason"/>.</summary>
    public async Task<string> CloseAsync(string code, string text, string reason)
    {
        ChatServer.Log.InputRejected(limits.Logger, session.ToString(), code);
        await session.CloseAsync(reason, session.Format.Error(code, text));
        return reason;
    }

    /// <summary>
    /// Starts, or starts again, the idle clock of a session that has no read to time out (a web page's user): every
    /// line it sends, taken or not, is a sign of life, as every line is on a connection. A connection's read loop
    /// times its reads itself, on the one cancellation source it shares with the line deadline.
    /// </summary>
    public void RestartIdleClock()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _idleClock ??= TimeProvider.System.CreateTimer(static state => _ = ((SessionInput)state!).IdleAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _idleClock.Change(Options.IdleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The session has ended: its idle clock, if any, stops for good.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _idleClock?.Dispose();
            _idleClock = null;
        }
    }
}
