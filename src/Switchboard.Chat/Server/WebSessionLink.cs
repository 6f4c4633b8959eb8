using System.Net;

namespace Switchboard.Chat.Server;

/// <summary>
/// The output of a web chat page's session: what a connection's send buffer is to a TCP session. Lines (the
/// chat's JSON lines) queue here until the page's socket takes them, bounded in bytes as a send buffer is
/// (<see cref="ChatServerOptions.MaxOutboundBufferSize"/>): a line that does not fit drops a page that is not
/// reading, and a reply waits for room, as on a connection.
/// </summary>
internal sealed class WebSessionLink(long id, IPAddress? address, string peer, long maxQueued)
{
    // Web sessions count down from -1, so their ids never meet a connection's (which count up from 1).
    private static long s_lastId;

    private readonly Lock _gate = new();
    private readonly Queue<byte[]> _lines = new();
    private readonly CancellationTokenSource _closed = new();
    private long _queued;
    private int _ended;
    private bool _closing;
    private TaskCompletionSource? _readable;
    private TaskCompletionSource? _space;

    public static long NextId() => Interlocked.Decrement(ref s_lastId);

    public long Id { get; } = id;

    /// <summary>The browser's address, as the console saw it; null when unknown.</summary>
    public IPAddress? Address { get; } = address;

    public string Peer { get; } = peer;

    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Cancelled once the session is closed or aborted: nothing more will be taken.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Why it was closed; null while it is open. Set before <see cref="Closed"/> is cancelled (which comes from the thread pool).</summary>
    public string? CloseReason { get; private set; }

    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closing;
            }
        }
    }

    public long QueuedBytes => Volatile.Read(ref _queued);

    public long BytesSent { get; private set; }

    public long LinesSent { get; private set; }

    public long LinesReceived { get; private set; }

    public long BytesReceived { get; private set; }

    /// <summary>True the first time only: the session's end is done once, whoever notices it first.</summary>
    public bool TryMarkEnded() => Interlocked.Exchange(ref _ended, 1) == 0;

    public void CountReceived(int bytes)
    {
        lock (_gate)
        {
            LinesReceived++;
            BytesReceived += bytes;
        }
    }

    /// <summary>Queues a line without waiting; a page with a full queue is not reading and is dropped.</summary>
    public bool TrySend(byte[] line)
    {
        lock (_gate)
        {
            if (_closing)
            {
                return false;
            }

            if (_queued >= maxQueued)
            {
                AbortLocked($"not reading: {_queued} bytes queued for the page");
                return false;
            }

            EnqueueLocked(line);
            return true;
        }
    }

    /// <summary>Queues a line, waiting up to <paramref name="timeout"/> for room; a page that makes none is dropped.</summary>
    public async ValueTask SendAsync(byte[] line, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task space;
            lock (_gate)
            {
                if (_closing)
                {
                    return;
                }

                if (_queued < maxQueued)
                {
                    EnqueueLocked(line);
                    return;
                }

                space = (_space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            var left = deadline - DateTime.UtcNow;
            try
            {
                await space.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
            }
            catch (TimeoutException)
            {
                Abort($"not reading: a reply waited {timeout.TotalSeconds:0.#} s for room");
                return;
            }
        }
    }

    /// <summary>The next line for the page (a JSON line, newline included), or null once the session is over and drained.</summary>
    public async ValueTask<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task readable;
            lock (_gate)
            {
                if (_lines.TryDequeue(out var line))
                {
                    _queued -= line.Length;
                    BytesSent += line.Length;
                    LinesSent++;
                    var space = _space;
                    _space = null;
                    space?.TrySetResult();
                    return line;
                }

                if (_closing)
                {
                    return null;
                }

                readable = (_readable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await readable.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Closes gracefully: what is queued (a kick's reason, say) is still read, then <paramref name="lastLine"/> if
    /// given, then the end. The last line and the close are one step, so nothing delivered meanwhile (a message that
    /// committed just then) can fall after the line that says why the session ends.
    /// </summary>
    public void Close(string reason, byte[]? lastLine = null)
    {
        lock (_gate)
        {
            if (lastLine is not null && !_closing && _queued < maxQueued)
            {
                EnqueueLocked(lastLine);
            }

            CloseLocked(reason);
        }
    }

    /// <summary>Closes at once, dropping what is queued.</summary>
    public void Abort(string reason)
    {
        lock (_gate)
        {
            AbortLocked(reason);
        }
    }

    private void AbortLocked(string reason)
    {
        _lines.Clear();
        _queued = 0;
        CloseLocked(reason);
    }

    private void CloseLocked(string reason)
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        CloseReason = reason;
        _readable?.TrySetResult();
        _space?.TrySetResult();
        // Off the lock: a callback on Closed ends the session, which takes other locks.
        ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _closed, preferLocal: false);
    }

    private void EnqueueLocked(byte[] line)
    {
        _lines.Enqueue(line);
        _queued += line.Length;
        var readable = _readable;
        _readable = null;
        readable?.TrySetResult();
    }
}
