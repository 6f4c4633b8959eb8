using System.Buffers;
using System.Buffers.Binary;

namespace Switchboard.Net.Framing;

/// <summary>
/// Reads messages prefixed by a big-endian length of 1, 2 or 4 bytes. The message is the payload, valid until
/// the reader advances.
/// </summary>
public sealed class LengthPrefixedReader : IMessageReader<ReadOnlySequence<byte>>
{
    /// <summary>The default maximum payload: 1 MiB.</summary>
    public const int DefaultMaxMessageSize = 1024 * 1024;

    /// <summary>Creates a reader.</summary>
    /// <param name="headerSize">1, 2 or 4 bytes of big-endian length.</param>
    /// <param name="maxMessageSize">The largest payload accepted.</param>
    public LengthPrefixedReader(int headerSize = 4, int maxMessageSize = DefaultMaxMessageSize)
    {
        LengthPrefix.Validate(headerSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 0);
        HeaderSize = headerSize;
        MaxMessageSize = maxMessageSize;
    }

    /// <summary>The header size in bytes.</summary>
    public int HeaderSize { get; }

    /// <summary>The largest payload accepted.</summary>
    public int MaxMessageSize { get; }

    /// <inheritdoc />
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        message = default;
        if (input.Length < HeaderSize)
        {
            examined = input.End;
            return false;
        }

        Span<byte> header = stackalloc byte[4];
        input.Slice(0, HeaderSize).CopyTo(header);
        var length = HeaderSize switch
        {
            1 => header[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(header),
            _ => (long)BinaryPrimitives.ReadUInt32BigEndian(header),
        };

        if (length > MaxMessageSize)
        {
            throw new MessageTooLargeException(MaxMessageSize);
        }

        if (input.Length - HeaderSize < length)
        {
            examined = input.End;
            return false;
        }

        message = input.Slice(HeaderSize, length);
        consumed = examined = message.End;
        return true;
    }
}

internal static class LengthPrefix
{
    public static void Validate(int headerSize)
    {
        if (headerSize is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(headerSize), headerSize, "the length prefix is 1, 2 or 4 bytes");
        }
    }

    public static long Capacity(int headerSize) => headerSize switch
    {
        1 => byte.MaxValue,
        2 => ushort.MaxValue,
        _ => uint.MaxValue,
    };
}
