using System.Buffers;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>Reads and writes one fortune message in one <see cref="FortuneFraming"/>.</summary>
public interface IFortuneCodec
{
    /// <summary>The framing this codec speaks.</summary>
    FortuneFraming Framing { get; }

    /// <summary>The largest whole message (headers included) read or written, in bytes.</summary>
    int MaxMessageSize { get; }

    /// <summary>
    /// Reads one fortune from the start of <paramref name="buffer"/>. On success the buffer is sliced past the
    /// message; when the message is incomplete it returns <see langword="false"/> and leaves the buffer as it was.
    /// A null QString reads as an empty fortune.
    /// </summary>
    /// <exception cref="QDataStreamException">The bytes are malformed, or do not match this framing.</exception>
    /// <exception cref="QDataStreamSizeLimitException">The message would exceed <see cref="MaxMessageSize"/>.</exception>
    bool TryRead(ref ReadOnlySequence<byte> buffer, out string fortune);

    /// <summary>Writes <paramref name="fortune"/> as one message.</summary>
    /// <exception cref="ArgumentException">The message would exceed <see cref="MaxMessageSize"/>.</exception>
    void Write(string fortune, IBufferWriter<byte> output);
}
