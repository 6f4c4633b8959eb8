using System.Buffers;
using Switchboard.Net.Framing;

namespace Switchboard.Chat.Server;

/// <summary>
/// Wraps the line reader to time unfinished lines: the clock starts whenever bytes of a new line are waiting
/// (the first line included), stops when a line is complete, and cancels the read when it runs out. The
/// idle timeout alone would let a peer sending one byte a second without a newline hold its connection forever.
/// A connection that sends nothing at all is left to the idle timeout: a guest is named by the server, so reading
/// without ever speaking (nc as a lurker, a console watching a room) is a legitimate use, not an attack.
/// Both clocks run on the read loop's one cancellation source (<see cref="Arm"/>): one timer per connection, and
/// no cancellation source of the deadline's own for the loop to link to.
/// </summary>
internal sealed class LineDeadline : IMessageReader<ReadOnlySequence<byte>>
{
    private readonly IMessageReader<ReadOnlySequence<byte>> _inner;
    private readonly TimeSpan _timeout;
    private CancellationTokenSource? _timer;
    // Environment.TickCount64 milliseconds: when the idle timeout and the running line's deadline run out.
    private long _idleUntil = long.MaxValue;
    private long _lineUntil = long.MaxValue;
    private bool _running;

    public LineDeadline(IMessageReader<ReadOnlySequence<byte>> inner, TimeSpan timeout)
    {
        _inner = inner;
        _timeout = timeout;
    }

    /// <summary>
    /// True when the read was cancelled by this deadline rather than by the idle timeout: a line was unfinished and
    /// its deadline came first. (The caller rules out every other cause of cancellation before asking.)
    /// </summary>
    public bool HasExpired => _running && _lineUntil <= _idleUntil;

    /// <summary>The deadline, for messages.</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>
    /// Before each read: <paramref name="timer"/> is cancelled when <paramref name="idle"/> passes with no complete
    /// line, or earlier, when a line is left unfinished for longer than the deadline.
    /// </summary>
    public void Arm(CancellationTokenSource timer, TimeSpan idle)
    {
        _timer = timer;
        _idleUntil = Environment.TickCount64 + (long)idle.TotalMilliseconds;
        Schedule();
    }

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

    private void Start()
    {
        if (!_running)
        {
            _running = true;
            _lineUntil = Environment.TickCount64 + (long)_timeout.TotalMilliseconds;
            Schedule();
        }
    }

    private void Stop()
    {
        if (_running)
        {
            _running = false;
            _lineUntil = long.MaxValue;
            Schedule();
        }
    }

    // Sets the timer to whichever comes first; never after it has fired (the read is cancelled by then).
    private void Schedule()
    {
        if (_timer is not { IsCancellationRequested: false } timer)
        {
            return;
        }

        var due = Math.Min(_idleUntil, _lineUntil) - Environment.TickCount64;
        timer.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, due)));
    }
}
