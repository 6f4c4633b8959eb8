using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

/// <summary>
/// The bounded queue between senders and the connection's send loop. Writers copy into a pipe under a lock, so
/// frames from concurrent senders never interleave; the pipe itself never pauses (its threshold is off) because
/// the limit is enforced here, where "wait" and "fail fast" can be chosen per call.
/// </summary>
internal sealed class OutboundBuffer
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Lock _gate = new();
    private readonly int _limit;
    private long _queued;
    private bool _completed;
    private string? _completedReason;
    private TaskCompletionSource? _spaceAvailable;

    public OutboundBuffer(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
    }

    public PipeReader Reader => _pipe.Reader;

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

            _pipe.Writer.Write(data);
            Commit();
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

            writer.WriteMessage(message, _pipe.Writer);
            Commit();
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
    public void Complete(string? reason)
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
            _pipe.Writer.Complete();
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

    private void Commit()
    {
        var written = _pipe.Writer.UnflushedBytes;
        _queued += written;
        // The pipe never pauses (threshold 0), so this flush completes synchronously: it only wakes the send loop.
        _ = _pipe.Writer.FlushAsync(CancellationToken.None);
    }
}
