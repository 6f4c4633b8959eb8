using System.Buffers;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>The <see cref="FortuneFraming.Qt5"/> framing: the QString alone.</summary>
public sealed class Qt5FortuneCodec : FortuneCodec
{
    /// <summary>Creates the codec.</summary>
    /// <param name="maxMessageSize">The largest message, in bytes (4 bytes of length plus the UTF-16 text).</param>
    public Qt5FortuneCodec(int maxMessageSize = FortuneCodecs.DefaultMaxMessageSize)
        : base(CheckedSize(maxMessageSize))
    {
    }

    /// <inheritdoc />
    public override int HeaderSize => 4;

    /// <inheritdoc />
    public override FortuneFraming Framing => FortuneFraming.Qt5;

    /// <inheritdoc />
    public override bool TryRead(ref ReadOnlySequence<byte> buffer, out string fortune)
    {
        var reader = new QDataStreamReader(buffer, FortuneCodecs.StreamVersion, MaxMessageSize - HeaderSize);
        if (!reader.TryReadString(out string? text))
        {
            fortune = string.Empty;
            return false;
        }

        fortune = text ?? string.Empty;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <inheritdoc />
    public override void Write(string fortune, IBufferWriter<byte> output)
    {
        CheckFits(fortune);
        new QDataStreamWriter(output, FortuneCodecs.StreamVersion).WriteString(fortune);
    }

    private static int CheckedSize(int maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 4);
        return maxMessageSize;
    }
}
