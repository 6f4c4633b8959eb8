using System.Buffers;

namespace Switchboard.Net.Framing;

/// <summary>
/// Parses one message from the front of a byte sequence. Implementations are stateless with respect to the
/// pipe: <see cref="ProtocolReader{T}"/> owns the pipe bookkeeping.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IMessageReader<T>
{
    /// <summary>
    /// Tries to parse one message from <paramref name="input"/>.
    /// </summary>
    /// <param name="input">The bytes received so far and not yet consumed.</param>
    /// <param name="consumed">Set past the message when one is returned.</param>
    /// <param name="examined">Set to how far the input was inspected, so the reader is not woken for nothing.</param>
    /// <param name="message">The message; it may refer to <paramref name="input"/> and is valid until the reader advances.</param>
    /// <returns>True when a whole message was parsed; false when more bytes are needed.</returns>
    /// <exception cref="FramingException">The input can never become a valid message.</exception>
    bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out T message);
}
