using System.Buffers;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// The <see cref="FortuneFraming.Local"/> framing of Qt's local fortune example: a quint32 with the string's
/// length in UTF-16 code units, then the QString. A count that disagrees with the QString is treated as malformed.
/// </summary>
public sealed class LocalFortuneCodec : FortuneCodec
{
    /// <summary>Creates the codec.</summary>
    /// <param name="maxMessageSize">The largest message, in bytes (8 bytes of headers plus the UTF-16 text).</param>
    public LocalFortuneCodec(int maxMessageSize = FortuneCodecs.DefaultMaxMessageSize)
        : base(CheckedSize(maxMessageSize))
    {
    }

    /// <inheritdoc />
    public override int HeaderSize => 8;

    /// <inheritdoc />
    public override FortuneFraming Framing => FortuneFraming.Local;

    /// <inheritdoc />
    public override bool TryRead(ref ReadOnlySequence<byte> buffer, out string fortune)
    {
        fortune = string.Empty;
        var reader = new QDataStreamReader(buffer, FortuneCodecs.StreamVersion, MaxMessageSize - HeaderSize);
        if (!reader.TryReadUInt32(out uint units))
        {
            return false;
        }

        if (units > (uint)(MaxMessageSize - HeaderSize) / 2)
        {
            throw new QDataStreamSizeLimitException(HeaderSize + (2L * units), MaxMessageSize);
        }

        if (!reader.TryReadString(out string? text))
        {
            return false;
        }

        int actual = text?.Length ?? 0;
        if (actual != units)
        {
            throw new QDataStreamException($"A local fortune announces {units} UTF-16 units but its QString has {actual}.");
        }

        fortune = text ?? string.Empty;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <inheritdoc />
    public override void Write(string fortune, IBufferWriter<byte> output)
    {
        CheckFits(fortune);
        var writer = new QDataStreamWriter(output, FortuneCodecs.StreamVersion);
        writer.WriteUInt32((uint)fortune.Length);
        writer.WriteString(fortune);
    }

    private static int CheckedSize(int maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 8);
        return maxMessageSize;
    }
}
