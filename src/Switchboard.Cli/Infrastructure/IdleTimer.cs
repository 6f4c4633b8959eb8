namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// -i/--idle-timeout (ncat's -i): a token that cancels when nothing has moved for the limit, or when the outer
/// token does. <see cref="Touch"/> on every read or write restarts the count; without a limit it never expires.
/// </summary>
internal sealed class IdleTimer : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _outer;
    private readonly TimeSpan? _limit;

    public IdleTimer(TimeSpan? limit, CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _outer = outer;
        _limit = limit;
        Touch();
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>True when the limit ran out (not when the outer token was cancelled).</summary>
    public bool Expired => _cts.IsCancellationRequested && !_outer.IsCancellationRequested;

    public void Touch()
    {
        if (_limit is { } limit)
        {
            try
            {
                _cts.CancelAfter(limit);
            }
            catch (ObjectDisposedException)
            {
                // A late read or write after the end: nothing left to time.
            }
        }
    }

    public void Dispose() => _cts.Dispose();
}
