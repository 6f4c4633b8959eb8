using System.Buffers;
using Switchboard.Net.Framing;

namespace Switchboard.Chat.Server;

/// <summary>
/// Wraps the line reader to time unfinished lines: the clock starts whenever bytes of a new line are waiting
/// (the first line included), stops when a line is complete, and cancels <see cref="Token"/> when it runs out. The
/// idle timeout alone would let a peer sending one byte a second without a newline hold its connection forever.
/// A connection that sends nothing at all is left to the idle timeout: a guest is named by the server, so reading
/// without ever speaking (nc as a lurker, a console watching a room) is a legitimate use, not an attack.
/// </summary>
internal sealed class LineDeadline : IMessageReader<ReadOnlySequence<byte>>, IDisposable
{
    private readonly IMessageReader<ReadOnlySequence<byte>> _inner;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _expired = new();
    private bool _running;

    public LineDeadline(IMessageReader<ReadOnlySequence<byte>> inner, TimeSpan timeout)
    {
        _inner = inner;
        _timeout = timeout;
    }

    /// <summary>Canceled when a line was not finished in time.</summary>
    public CancellationToken Token => _expired.Token;

    /// <summary>True once the deadline ran out.</summary>
    public bool HasExpired => _expired.IsCancellationRequested;

    /// <summary>The deadline, for messages.</summary>
    public TimeSpan Timeout => _timeout;

    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        bool parsed;
        try
        {
            parsed = _inner.TryParseMessage(input, ref consumed, ref examined, out message);
        }
        catch (FramingException)
        {
            // A bad line is still a finished one; what follows it starts its own clock.
            Stop();
            throw;
        }

        if (parsed)
        {
            Stop();
        }
        else if (input.Length > 0)
        {
            Start();
        }

        return parsed;
    }

    public void Dispose() => _expired.Dispose();

    private void Start()
    {
        if (!_running)
        {
            _running = true;
            _expired.CancelAfter(_timeout);
        }
    }

    private void Stop()
    {
        if (_running && !_expired.IsCancellationRequested)
        {
            _running = false;
            _expired.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
        }
    }
}
