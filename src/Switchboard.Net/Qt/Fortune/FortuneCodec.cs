using System.Buffers;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// Reads and writes one fortune message in one <see cref="FortuneFraming"/>. It plugs into
/// <see cref="ProtocolReader{T}"/> and <see cref="SwitchboardConnection.SendAsync{T}(IMessageWriter{T}, T, CancellationToken)"/>
/// as an <see cref="IMessageReader{T}"/> and <see cref="IMessageWriter{T}"/> of strings.
/// </summary>
public abstract class FortuneCodec : IMessageReader<string>, IMessageWriter<string>
{
    private protected FortuneCodec(int maxMessageSize) => MaxMessageSize = maxMessageSize;

    /// <summary>The framing this codec speaks.</summary>
    public abstract FortuneFraming Framing { get; }

    /// <summary>The largest whole message (headers included) read or written, in bytes.</summary>
    public int MaxMessageSize { get; }

    /// <summary>The bytes before the UTF-16 text: length prefixes and block sizes.</summary>
    public abstract int HeaderSize { get; }

    /// <summary>The size of <paramref name="fortune"/>'s whole message in this framing, in bytes.</summary>
    public long GetMessageSize(string fortune)
    {
        ArgumentNullException.ThrowIfNull(fortune);
        return HeaderSize + (2L * fortune.Length);
    }

    /// <summary>Throws <see cref="MessageTooLargeException"/> when <paramref name="fortune"/> does not fit <see cref="MaxMessageSize"/>.</summary>
    private protected void CheckFits(string fortune)
    {
        if (GetMessageSize(fortune) > MaxMessageSize)
        {
            throw new MessageTooLargeException(MaxMessageSize);
        }
    }

    /// <summary>
    /// Reads one fortune from the start of <paramref name="buffer"/>. On success the buffer is sliced past the
    /// message; when the message is incomplete it returns <see langword="false"/> and leaves the buffer as it was.
    /// A null QString reads as an empty fortune.
    /// </summary>
    /// <exception cref="QDataStreamException">The bytes are malformed, or do not match this framing.</exception>
    /// <exception cref="QDataStreamSizeLimitException">The message would exceed <see cref="MaxMessageSize"/>.</exception>
    public abstract bool TryRead(ref ReadOnlySequence<byte> buffer, out string fortune);

    /// <summary>Writes <paramref name="fortune"/> as one message.</summary>
    /// <exception cref="MessageTooLargeException">The message would exceed <see cref="MaxMessageSize"/>.</exception>
    public abstract void Write(string fortune, IBufferWriter<byte> output);

    /// <inheritdoc />
    bool IMessageReader<string>.TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out string message)
    {
        ReadOnlySequence<byte> buffer = input;
        if (TryRead(ref buffer, out message))
        {
            consumed = buffer.Start;
            examined = buffer.Start;
            return true;
        }

        examined = input.End;
        return false;
    }

    /// <inheritdoc />
    void IMessageWriter<string>.WriteMessage(string message, IBufferWriter<byte> output) => Write(message, output);
}
