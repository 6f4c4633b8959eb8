using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Fuzz.Engine;

/// <summary>
/// A pipe reader that knows how many bytes its user keeps unconsumed after each <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>:
/// that is what a reader buffers while it waits for the rest of a message, the memory a peer can make it hold.
/// </summary>
internal sealed class MeteredPipeReader(PipeReader inner) : PipeReader
{
    private ReadOnlySequence<byte> _last;

    /// <summary>Bytes kept after the last advance.</summary>
    public long Retained { get; private set; }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        Retained = _last.Slice(consumed).Length;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var pending = inner.ReadAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            _last = result.Buffer;
            return new ValueTask<ReadResult>(result);
        }

        return AwaitAsync(pending);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (inner.TryRead(out result))
        {
            _last = result.Buffer;
            return true;
        }

        return false;
    }

    private async ValueTask<ReadResult> AwaitAsync(ValueTask<ReadResult> pending)
    {
        var result = await pending;
        _last = result.Buffer;
        return result;
    }
}
