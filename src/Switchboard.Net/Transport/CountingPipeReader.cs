using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Switchboard.Net;

/// <summary>
/// Wraps the transport's input to count consumed bytes, note when the peer last sent something, and translate
/// the stream's errors once (see <see cref="SocketTransport.Translate"/>).
/// </summary>
internal sealed class CountingPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private readonly Func<Exception, Exception> _translate;
    private ReadOnlySequence<byte> _lastBuffer;
    private long _bytesConsumed;
    private long _lastActivity = Environment.TickCount64;

    public CountingPipeReader(PipeReader inner, Func<Exception, Exception> translate)
    {
        _inner = inner;
        _translate = translate;
    }

    public long BytesConsumed => Volatile.Read(ref _bytesConsumed);

    public long LastActivityTicks => Volatile.Read(ref _lastActivity);

    public bool PeerCompleted { get; private set; }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        Interlocked.Add(ref _bytesConsumed, _lastBuffer.Slice(0, consumed).Length);
        _lastBuffer = default;
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    // Pooled: this runs once per receive on every connection, and must not allocate when it goes async.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result;
        try
        {
            result = await _inner.ReadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _translate(ex) is var translated && !ReferenceEquals(translated, ex))
        {
            throw translated;
        }

        return Observe(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        result = Observe(result);
        return true;
    }

    private ReadResult Observe(ReadResult result)
    {
        if (result.Buffer.Length != _lastBuffer.Length || result.IsCompleted)
        {
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
        }

        _lastBuffer = result.Buffer;
        PeerCompleted |= result.IsCompleted;
        return result;
    }
}
