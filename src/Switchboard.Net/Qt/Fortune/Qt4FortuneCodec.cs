using System.Buffers;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// The <see cref="FortuneFraming.Qt4"/> framing: a quint16 block size, then the QString. The block size must
/// equal the QString's encoded size exactly; anything else is treated as malformed.
/// </summary>
public sealed class Qt4FortuneCodec : FortuneCodec
{
    /// <summary>The largest message this framing can express: the quint16 plus 65535 bytes.</summary>
    public const int FramingLimit = 2 + ushort.MaxValue;

    /// <summary>Creates the codec.</summary>
    /// <param name="maxMessageSize">The largest message, in bytes; at most <see cref="FramingLimit"/> is used.</param>
    public Qt4FortuneCodec(int maxMessageSize = FortuneCodecs.DefaultMaxMessageSize)
        : base(CheckedSize(maxMessageSize))
    {
    }

    /// <inheritdoc />
    public override int HeaderSize => 6;

    /// <inheritdoc />
    public override FortuneFraming Framing => FortuneFraming.Qt4;

    /// <inheritdoc />
    public override bool TryRead(ref ReadOnlySequence<byte> buffer, out string fortune)
    {
        fortune = string.Empty;
        var reader = new QDataStreamReader(buffer, FortuneCodecs.StreamVersion, MaxMessageSize - HeaderSize);
        if (!reader.TryReadUInt16(out ushort blockSize))
        {
            return false;
        }

        if (blockSize < 4)
        {
            throw new QDataStreamException($"A qt4 fortune block of {blockSize} bytes cannot hold a QString (4 bytes at least).");
        }

        if (2 + blockSize > MaxMessageSize)
        {
            throw new QDataStreamSizeLimitException(2 + blockSize, MaxMessageSize);
        }

        // Qt 4 clients wait for the whole block before reading the string, and so do we.
        if (reader.Remaining < blockSize)
        {
            return false;
        }

        var block = new QDataStreamReader(buffer.Slice(reader.Position, blockSize), FortuneCodecs.StreamVersion, blockSize);
        if (!block.TryReadString(out string? text))
        {
            throw new QDataStreamException($"The QString in a qt4 fortune block is longer than the block's {blockSize} bytes.");
        }

        if (block.Remaining != 0)
        {
            throw new QDataStreamException($"A qt4 fortune block has {block.Remaining} bytes after its QString.");
        }

        fortune = text ?? string.Empty;
        buffer = buffer.Slice(2 + blockSize);
        return true;
    }

    /// <inheritdoc />
    public override void Write(string fortune, IBufferWriter<byte> output)
    {
        CheckFits(fortune);
        long blockSize = GetMessageSize(fortune) - 2;
        var writer = new QDataStreamWriter(output, FortuneCodecs.StreamVersion);
        writer.WriteUInt16((ushort)blockSize);
        writer.WriteString(fortune);
    }

    private static int CheckedSize(int maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 6);
        return Math.Min(maxMessageSize, FramingLimit);
    }
}
