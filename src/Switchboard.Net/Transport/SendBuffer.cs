using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

/// <summary>
/// A connection's one send buffer: senders write frames straight into it under one lock (so frames from
/// concurrent senders never interleave), and one drain loop hands its contents to the socket. The limit is
/// enforced here, on exact counts, so "wait", "fail fast" and "try" can be chosen per call; the pipe itself never
/// pauses (its threshold is off).
/// The pipe and the drain loop come to exist on the first write or on a graceful completion: an idle connection
/// (most of ten thousand) holds neither.
/// </summary>
internal sealed class SendBuffer
{
    // One options object per scheduling choice, shared by every connection: they are immutable.
    // Inline: the drain loop resumes on the sender's thread inside its flush and makes the send call there, so an
    // echoed message crosses no thread; the lock below is reentrant, which lets the loop release space inline.
    // Thread pool: the loop is woken on the pool, so messages queued meanwhile leave in one system call; inside a
    // DeferSends scope the wake-up waits for the scope's end (fan-out: a batch to a room, one call per member).
    private static readonly PipeOptions s_inline = new(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: SegmentSize, useSynchronizationContext: false);
    private static readonly PipeOptions s_pooled = new(readerScheduler: DeferredSendScheduler.Instance, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: SegmentSize, useSynchronizationContext: false);

    private const int SendSliceSize = 256 * 1024;
    private const int SegmentSize = 16 * 1024;

    private readonly Lock _gate = new();
    private readonly int _limit;
    private readonly int _softLimit;
    private readonly ISendTarget _target;
    private readonly PipeOptions _pipeOptions;
    private Pipe? _pipe;
    private Task _drained = Task.CompletedTask;
    private long _queued;
    private long _sent;
    private bool _completed;
    private string? _completedReason;
    private TaskCompletionSource? _spaceAvailable;
    private TaskCompletionSource? _empty;
    private CountingWriter? _counter;
    // The slow-consumer policy's accounting (its decisions are SwitchboardConnection.SlowConsumer.cs): when the
    // queue reached the soft limit (Environment.TickCount64, 0 while below), and who waits for it to fall below.
    private long _overSoftLimitSince;
    private TaskCompletionSource? _belowSoftLimit;

    /// <param name="limit">Bytes queued beyond which the buffer counts as full.</param>
    /// <param name="target">Where the drain loop sends to, and whom it tells when it is done.</param>
    /// <param name="inline">Whether the drain loop runs on the sender's thread (see above).</param>
    /// <param name="softLimit">Bytes queued from which the buffer counts as over its soft limit (see <see cref="OverSoftLimitSince"/>).</param>
    public SendBuffer(int limit, ISendTarget target, bool inline, int softLimit = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(softLimit, 1);
        _limit = limit;
        _softLimit = softLimit;
        _target = target;
        _pipeOptions = inline ? s_inline : s_pooled;
    }

    public long QueuedBytes => Volatile.Read(ref _queued);

    /// <summary>Bytes handed to the socket so far.</summary>
    public long SentBytes => Interlocked.Read(ref _sent);

    public int Limit => _limit;

    /// <summary>Completes when the drain loop has ended (everything sent and the send side shut, or a failure).</summary>
    public Task Drained => Volatile.Read(ref _drained);

    /// <summary>
    /// When the queue reached the soft limit, in <see cref="Environment.TickCount64"/> milliseconds; 0 while it is
    /// below (and once the buffer is completed).
    /// </summary>
    public long OverSoftLimitSince => Volatile.Read(ref _overSoftLimitSince);

    /// <summary>Queues bytes unless the buffer is full. Throws when the buffer has been completed.</summary>
    public bool TryWrite(ReadOnlySpan<byte> data) => TryWrite(data, _limit, out _);

    /// <summary>
    /// Queues bytes unless <paramref name="limit"/> bytes are queued already (a never-waiting broadcast may queue
    /// past the buffer's own limit, up to the slow-consumer hard limit).
    /// </summary>
    public bool TryWrite(ReadOnlySpan<byte> data, long limit, out long queuedWhenRefused)
    {
        lock (_gate)
        {
            queuedWhenRefused = _queued;
            if (!CanWrite(limit))
            {
                return false;
            }

            queuedWhenRefused = 0;
            var writer = EnsurePipe().Writer;
            writer.Write(data);
            Commit(writer, data.Length);
            return true;
        }
    }

    /// <summary>Queues a whole sequence (an echo's input, say) as one write, unless the buffer is full.</summary>
    public bool TryWrite(in ReadOnlySequence<byte> data, out long queuedWhenRefused)
    {
        lock (_gate)
        {
            queuedWhenRefused = _queued;
            if (!CanWrite())
            {
                return false;
            }

            queuedWhenRefused = 0;
            var writer = EnsurePipe().Writer;
            foreach (var segment in data)
            {
                writer.Write(segment.Span);
            }

            Commit(writer, data.Length);
            return true;
        }
    }

    /// <summary>
    /// Queues one framed message unless the buffer is full; <paramref name="queuedWhenRefused"/> is what was queued
    /// at the moment of the refusal (read under the lock: the drain loop may empty the buffer right after).
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
            var counter = _counter ??= new CountingWriter();
            counter.Start(output);
            writer.WriteMessage(message, counter);
            Commit(output, counter.Written);
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

    /// <summary>
    /// Completes when everything queued so far has been handed to the socket (or the drain loop ended), so a
    /// protocol can change what lies under the socket (a STARTTLS upgrade) between two messages.
    /// </summary>
    public Task WhenSentAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_queued == 0 || Volatile.Read(ref _drained).IsCompleted && _pipe is not null)
            {
                return Task.CompletedTask;
            }

            _empty ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _empty.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A task that completes when the queue is below the soft limit (or the buffer was completed).</summary>
    public Task WaitBelowSoftLimitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_overSoftLimitSince == 0)
            {
                return Task.CompletedTask;
            }

            _belowSoftLimit ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _belowSoftLimit.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>No more writes; the drain loop sends what is queued, shuts the send side and ends.</summary>
    /// <param name="reason">Why, for the exception later senders get.</param>
    /// <param name="graceful">
    /// Whether the send side must still be shut down properly (a FIN): then the loop is started even if nothing
    /// was ever sent. An abort passes false, so a connection that never sent starts nothing on its way out.
    /// </param>
    public void Complete(string? reason, bool graceful = true)
    {
        TaskCompletionSource? toSignal;
        TaskCompletionSource? belowSoft;
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
            belowSoft = _belowSoftLimit;
            _belowSoftLimit = null;
            Volatile.Write(ref _overSoftLimitSince, 0);
            if (graceful || _pipe is not null)
            {
                EnsurePipe().Writer.Complete();
            }
        }

        toSignal?.TrySetResult();
        belowSoft?.TrySetResult();
    }

    private bool CanWrite() => CanWrite(_limit);

    private bool CanWrite(long limit)
    {
        if (_completed)
        {
            throw new ConnectionClosedException(_completedReason);
        }

        return _queued < limit;
    }

    private Pipe EnsurePipe()
    {
        if (_pipe is { } pipe)
        {
            return pipe;
        }

        pipe = new Pipe(_pipeOptions);
        _pipe = pipe;
        // The loop's first read finds nothing and parks, so this returns at once.
        Volatile.Write(ref _drained, DrainAsync(pipe.Reader));
        return pipe;
    }

    // Counted here rather than read from PipeWriter.UnflushedBytes, which over-counts when a write straddles two
    // of the pipe's segments.
    private void Commit(PipeWriter writer, long written)
    {
        _queued += written;
        if (_queued >= _softLimit && _overSoftLimitSince == 0)
        {
            Volatile.Write(ref _overSoftLimitSince, Math.Max(1, Environment.TickCount64));
        }

        // The pipe never pauses (threshold 0), so this flush completes synchronously: it only wakes the loop.
        _ = writer.FlushAsync(CancellationToken.None);
    }

    private void Release(long bytes)
    {
        TaskCompletionSource? toSignal = null;
        TaskCompletionSource? empty = null;
        TaskCompletionSource? belowSoft = null;
        lock (_gate)
        {
            _queued -= bytes;
            if (_spaceAvailable is not null && _queued < _limit)
            {
                toSignal = _spaceAvailable;
                _spaceAvailable = null;
            }

            if (_queued == 0)
            {
                empty = _empty;
                _empty = null;
            }

            if (_overSoftLimitSince != 0 && _queued < _softLimit)
            {
                Volatile.Write(ref _overSoftLimitSince, 0);
                belowSoft = _belowSoftLimit;
                _belowSoftLimit = null;
            }
        }

        toSignal?.TrySetResult();
        empty?.TrySetResult();
        belowSoft?.TrySetResult();
    }

    private async Task DrainAsync(PipeReader reader)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    // A backlog leaves in slices, so a waiting sender is let in as soon as there is room.
                    var slice = buffer.Length > SendSliceSize ? buffer.Slice(0, SendSliceSize) : buffer;
                    // Read before AdvanceTo: after it the segments go back to the pool and the slice means nothing.
                    var length = slice.Length;
                    await _target.SendAsync(slice);
                    Interlocked.Add(ref _sent, length);
                    reader.AdvanceTo(slice.End);
                    Release(length);
                }
                else if (result.IsCompleted)
                {
                    break;
                }
                else
                {
                    reader.AdvanceTo(buffer.End);
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        await reader.CompleteAsync();
        lock (_gate)
        {
            _empty?.TrySetResult();
            _empty = null;
        }

        if (error is null)
        {
            await _target.ShutdownSendAsync();
        }
        else
        {
            _target.SendFailed(error);
        }
    }
}

/// <summary>Counts what a message writer writes into the pipe; one per buffer, used under its lock.</summary>
internal sealed class CountingWriter : IBufferWriter<byte>
{
    private PipeWriter? _inner;

    public long Written { get; private set; }

    public void Start(PipeWriter inner)
    {
        _inner = inner;
        Written = 0;
    }

    public void Advance(int count)
    {
        _inner!.Advance(count);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _inner!.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _inner!.GetSpan(sizeHint);
}

/// <summary>What a <see cref="SendBuffer"/> drains into: the socket (or TLS stream) of its connection.</summary>
internal interface ISendTarget
{
    /// <summary>Sends every byte of <paramref name="data"/>, or throws.</summary>
    ValueTask SendAsync(ReadOnlySequence<byte> data);

    /// <summary>Everything was sent and no more will come: the FIN (and TLS close_notify).</summary>
    ValueTask ShutdownSendAsync();

    /// <summary>Sending failed; what was queued is lost.</summary>
    void SendFailed(Exception error);
}
