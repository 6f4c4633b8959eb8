using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

/// <summary>
/// The bounded queue between senders and the connection's send loop. Writers copy into a pipe under a lock, so
/// frames from concurrent senders never interleave; the pipe itself never pauses (its threshold is off) because
/// the limit is enforced here, where "wait" and "fail fast" can be chosen per call.
/// The pipe is created, and the send loop started through the callback, on the first write or on completion:
/// an idle connection (most of ten thousand) then holds neither a pipe nor a parked send loop.
/// </summary>
internal sealed class OutboundBuffer
{
    // One options object for every connection's pipe: it is immutable, and per-connection copies add up.
    // The reader (the send loop) resumes inline, on the sender's thread inside Commit's flush, instead of being
    // queued to the thread pool: that hand-off was one of the four thread hops of an echoed message. The loop
    // only copies into the transport's output and flushes it, which does not block (the transport has its own
    // send loop, or a pipe writer over the socket), and the lock it then takes again in Release is reentrant.
    private static readonly PipeOptions s_pipeOptions = new(readerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);

    private readonly Lock _gate = new();
    private readonly int _limit;
    private readonly Action<OutboundBuffer>? _started;
    private Pipe? _pipe;
    private long _queued;
    private bool _completed;
    private string? _completedReason;
    private TaskCompletionSource? _spaceAvailable;

    /// <param name="limit">Bytes queued beyond which the buffer counts as full.</param>
    /// <param name="started">
    /// Called once, under the buffer's lock, when the pipe comes to exist: start the send loop there. It must only
    /// start the loop (which yields before reading), never block.
    /// </param>
    public OutboundBuffer(int limit, Action<OutboundBuffer>? started = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
        _started = started;
    }

    /// <summary>The send loop's end of the pipe; it exists once the loop has been started.</summary>
    public PipeReader Reader => Volatile.Read(ref _pipe)?.Reader ?? throw new InvalidOperationException("the outbound pipe has not been started");

    public long QueuedBytes => Volatile.Read(ref _queued);

    public int Limit => _limit;

    /// <summary>Queues bytes unless the buffer is full. Throws when the buffer has been completed.</summary>
    public bool TryWrite(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (!CanWrite())
            {
                return false;
            }

            var writer = EnsurePipe().Writer;
            writer.Write(data);
            Commit(writer);
            return true;
        }
    }

    /// <summary>Queues one framed message unless the buffer is full.</summary>
    public bool TryWrite<T>(IMessageWriter<T> writer, T message) => TryWrite(writer, message, out _);

    /// <summary>
    /// Queues one framed message unless the buffer is full; <paramref name="queuedWhenRefused"/> is what was queued
    /// at the moment of the refusal (read under the lock: the send loop may drain the buffer right after).
    /// </summary>
    public bool TryWrite<T>(IMessageWriter<T> writer, T message, out long queuedWhenRefused)
    {
        lock (_gate)
        {
            queuedWhenRefused = _queued;
            if (!CanWrite())
            {
                return false;
            }

            queuedWhenRefused = 0;
            var output = EnsurePipe().Writer;
            writer.WriteMessage(message, output);
            Commit(output);
            return true;
        }
    }

    /// <summary>A task that completes when the buffer has room again (or was completed).</summary>
    public Task WaitForSpaceAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_completed || _queued < _limit)
            {
                return Task.CompletedTask;
            }

            _spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _spaceAvailable.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Called by the send loop once bytes have been handed to the transport.</summary>
    public void Release(long bytes)
    {
        TaskCompletionSource? toSignal = null;
        lock (_gate)
        {
            _queued -= bytes;
            if (_spaceAvailable is not null && _queued < _limit)
            {
                toSignal = _spaceAvailable;
                _spaceAvailable = null;
            }
        }

        toSignal?.TrySetResult();
    }

    /// <summary>No more writes; the send loop drains what is queued and ends.</summary>
    /// <param name="reason">Why, for the exception later senders get.</param>
    /// <param name="graceful">
    /// Whether the send side must still be shut down properly (a FIN): then the loop is started even if nothing
    /// was ever sent. An abort passes false, so a connection that never sent starts nothing on its way out.
    /// </param>
    public void Complete(string? reason, bool graceful = true)
    {
        TaskCompletionSource? toSignal;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _completedReason = reason;
            toSignal = _spaceAvailable;
            _spaceAvailable = null;
            // A graceful close of a connection that never sent still needs the loop, to shut the send side down.
            if (graceful || _pipe is not null)
            {
                EnsurePipe().Writer.Complete();
            }
        }

        toSignal?.TrySetResult();
    }

    private bool CanWrite()
    {
        if (_completed)
        {
            throw new ConnectionClosedException(_completedReason);
        }

        return _queued < _limit;
    }

    private Pipe EnsurePipe()
    {
        if (_pipe is { } pipe)
        {
            return pipe;
        }

        pipe = new Pipe(s_pipeOptions);
        Volatile.Write(ref _pipe, pipe);
        _started?.Invoke(this);
        return pipe;
    }

    private void Commit(PipeWriter writer)
    {
        var written = writer.UnflushedBytes;
        _queued += written;
        // The pipe never pauses (threshold 0), so this flush completes synchronously: it only wakes the send loop.
        _ = writer.FlushAsync(CancellationToken.None);
    }
}
