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
    private readonly Func<Exception, Exception> _translate;
    private PipeReader _inner;
    private IInputHolder? _holder;
    private bool _reading;

    // Bytes consumed before the input was last replaced (a STARTTLS upgrade): "nothing received yet" counts from there.
    private long _consumedBeforeTls;
    private ReadOnlySequence<byte> _lastBuffer;
    private long _bytesConsumed;
    private long _lastActivity = Environment.TickCount64;

    private readonly Func<Exception?, Exception?>? _endedBeforeData;

    /// <param name="inner">The transport's input.</param>
    /// <param name="translate">Turns the stream's errors into the connection's.</param>
    /// <param name="endedBeforeData">
    /// Asked when the input ends (cleanly: null, or with an error) before any byte was consumed; what it returns
    /// is thrown instead (a rejected client certificate, see <see cref="SocketTransport.EndedBeforeData"/>).
    /// </param>
    public CountingPipeReader(PipeReader inner, Func<Exception, Exception> translate, Func<Exception?, Exception?>? endedBeforeData = null)
    {
        _inner = inner;
        _translate = translate;
        _endedBeforeData = endedBeforeData;
    }

    public long BytesConsumed => Volatile.Read(ref _bytesConsumed);

    public long LastActivityTicks => Volatile.Read(ref _lastActivity);

    public bool PeerCompleted { get; private set; }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        Interlocked.Add(ref _bytesConsumed, _lastBuffer.Slice(0, consumed).Length);
        _lastBuffer = default;
        _reading = false;
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
        catch (Exception ex) when (ex is not OperationCanceledException && Replacement(ex) is { } replacement)
        {
            throw replacement;
        }

        if (result.IsCompleted && result.Buffer.IsEmpty && BytesConsumed == _consumedBeforeTls && _endedBeforeData?.Invoke(null) is { } early)
        {
            throw early;
        }

        return Observe(result);
    }

    /// <summary>What to throw instead of <paramref name="error"/>; null to let it through as it is.</summary>
    private Exception? Replacement(Exception error)
    {
        var translated = _translate(error);
        if (BytesConsumed == _consumedBeforeTls && _endedBeforeData?.Invoke(translated) is { } early)
        {
            return early;
        }

        return ReferenceEquals(translated, error) ? null : translated;
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
        _reading = true;
        PeerCompleted |= result.IsCompleted;
        return result;
    }

    /// <summary>The protocol reader that keeps this input's buffer between messages (see <see cref="TakeBuffered"/>).</summary>
    public void Attach(IInputHolder holder) => _holder = holder;

    /// <summary>
    /// Before a TLS upgrade: everything received and not consumed (bytes the peer sent after its STARTTLS line,
    /// read ahead into the pipe's buffer), taken out so the handshake reads them first. A protocol reader that
    /// still holds a buffer lets go of it first, up to the end of the last message it handed out.
    /// </summary>
    /// <exception cref="InvalidOperationException">A read is still in progress and nobody can end it.</exception>
    /// <exception cref="IOException">The peer has already closed its side.</exception>
    public byte[] TakeBuffered()
    {
        if (_reading)
        {
            _holder?.ReleaseInput();
            if (_reading)
            {
                throw new InvalidOperationException("the input is still being read: call AdvanceTo past the STARTTLS line before starting TLS");
            }
        }

        // A cancelled TryRead hands back whatever is buffered, even bytes already examined, without touching the
        // socket.
        _inner.CancelPendingRead();
        if (!_inner.TryRead(out var result))
        {
            return [];
        }

        var bytes = result.Buffer.ToArray();
        var completed = result.IsCompleted;
        _inner.AdvanceTo(result.Buffer.End);
        return completed ? throw new IOException("the peer closed the connection before the TLS handshake") : bytes;
    }

    /// <summary>After a TLS upgrade: reads continue from the decrypted stream.</summary>
    public void Replace(PipeReader inner)
    {
        _inner = inner;
        _lastBuffer = default;
        _reading = false;
        _consumedBeforeTls = BytesConsumed;
    }
}
