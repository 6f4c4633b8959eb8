using System.Buffers;
using System.Buffers.Binary;

namespace Switchboard.Net.Framing;

/// <summary>Writes messages prefixed by a big-endian length of 1, 2 or 4 bytes.</summary>
public sealed class LengthPrefixedWriter : IMessageWriter<ReadOnlyMemory<byte>>
{
    /// <summary>Creates a writer.</summary>
    /// <param name="headerSize">1, 2 or 4 bytes of big-endian length.</param>
    /// <param name="maxMessageSize">The largest payload written; it cannot exceed what the header can hold.</param>
    public LengthPrefixedWriter(int headerSize = 4, int maxMessageSize = LengthPrefixedReader.DefaultMaxMessageSize)
    {
        LengthPrefix.Validate(headerSize);
        HeaderSize = headerSize;
        MaxMessageSize = (int)Math.Min(maxMessageSize, LengthPrefix.Capacity(headerSize));
    }

    /// <summary>The header size in bytes.</summary>
    public int HeaderSize { get; }

    /// <summary>The largest payload written.</summary>
    public int MaxMessageSize { get; }

    /// <inheritdoc />
    public void WriteMessage(ReadOnlyMemory<byte> message, IBufferWriter<byte> output)
    {
        if (message.Length > MaxMessageSize)
        {
            throw new MessageTooLargeException(MaxMessageSize);
        }

        var span = output.GetSpan(HeaderSize + message.Length);
        switch (HeaderSize)
        {
            case 1:
                span[0] = (byte)message.Length;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)message.Length);
                break;
            default:
                BinaryPrimitives.WriteUInt32BigEndian(span, (uint)message.Length);
                break;
        }

        message.Span.CopyTo(span[HeaderSize..]);
        output.Advance(HeaderSize + message.Length);
    }
}
