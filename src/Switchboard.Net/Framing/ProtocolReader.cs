using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Switchboard.Net.Framing;

/// <summary>The outcome of <see cref="ProtocolReader{T}.ReadAsync"/>.</summary>
/// <typeparam name="T">The message type.</typeparam>
public readonly record struct ProtocolReadResult<T>(T Message, bool IsCompleted);

/// <summary>
/// Reads framed messages from a <see cref="PipeReader"/>. It keeps the pipe's buffer between messages and only
/// advances the pipe when it needs more bytes, so a message stays valid until the next <see cref="ReadAsync"/>.
/// Not thread-safe: one reader per pipe.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class ProtocolReader<T> : IInputHolder
{
    private readonly PipeReader _input;
    private readonly IMessageReader<T> _reader;
    private readonly Action? _onMessage;
    private ReadOnlySequence<byte> _buffer;
    private bool _hasBuffer;
    private bool _isCompleted;
    private bool _ended;

    /// <summary>Creates a protocol reader over <paramref name="input"/>.</summary>
    public ProtocolReader(PipeReader input, IMessageReader<T> reader)
        : this(input, reader, null)
    {
    }

    internal ProtocolReader(PipeReader input, IMessageReader<T> reader, Action? onMessage)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _onMessage = onMessage;
        (input as CountingPipeReader)?.Attach(this);
    }

    // A TLS upgrade (STARTTLS) takes the bytes after the last message handed out: they belong to the handshake,
    // and must never be parsed here as if they had arrived encrypted.
    void IInputHolder.ReleaseInput()
    {
        if (_hasBuffer)
        {
            _input.AdvanceTo(_buffer.Start);
            _hasBuffer = false;
        }
    }

    /// <summary>How many messages have been read.</summary>
    public long MessagesRead { get; private set; }

    /// <summary>
    /// Reads the next message. <see cref="ProtocolReadResult{T}.IsCompleted"/> is true, with no message, when
    /// the peer ended the stream cleanly between messages.
    /// </summary>
    /// <exception cref="IncompleteMessageException">The stream ended inside a message.</exception>
    /// <exception cref="FramingException">The input is malformed; see <see cref="FramingException.IsRecoverable"/>.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ProtocolReadResult<T>> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (!_ended)
        {
            if (_hasBuffer)
            {
                if (TryParse(out var message, out var examined))
                {
                    MessagesRead++;
                    _onMessage?.Invoke();
                    return new ProtocolReadResult<T>(message, false);
                }

                if (_isCompleted)
                {
                    var unfinished = _buffer.Length;
                    _input.AdvanceTo(_buffer.End);
                    // Stay ended: a further read reports the end instead of touching the pipe again.
                    _ended = true;
                    _hasBuffer = false;
                    if (unfinished > 0)
                    {
                        throw new IncompleteMessageException(unfinished);
                    }

                    return new ProtocolReadResult<T>(default!, true);
                }

                // Release the messages already handed out and tell the pipe how far we looked.
                _input.AdvanceTo(_buffer.Start, examined);
                _hasBuffer = false;
            }

            var result = await _input.ReadAsync(cancellationToken);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException("the read was canceled");
            }

            _buffer = result.Buffer;
            _hasBuffer = true;
            _isCompleted = result.IsCompleted;
        }

        return new ProtocolReadResult<T>(default!, true);
    }

    private bool TryParse(out T message, out SequencePosition examined)
    {
        var consumed = _buffer.Start;
        examined = _buffer.Start;
        bool parsed;
        try
        {
            parsed = _reader.TryParseMessage(_buffer, ref consumed, ref examined, out message);
        }
        catch (FramingException ex) when (ex.IsRecoverable)
        {
            // The reader skipped exactly the bad message; the next read starts after it.
            _buffer = _buffer.Slice(consumed);
            throw;
        }

        if (parsed)
        {
            _buffer = _buffer.Slice(consumed);
            return true;
        }

        return false;
    }
}
