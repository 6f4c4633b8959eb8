using System.Buffers;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Net.Tests.Qt;

internal static class FortuneParse
{
    /// <summary>Runs a codec's TryRead and checks its contract: the buffer is untouched unless a whole message was read.</summary>
    public static ParseResult Run(FortuneCodec codec, ReadOnlySequence<byte> data)
    {
        ReadOnlySequence<byte> buffer = data;
        bool ok = codec.TryRead(ref buffer, out string fortune);
        if (!ok)
        {
            Assert.Equal(data.Length, buffer.Length);
            Assert.Equal(data.Start, buffer.Start);
            return new ParseResult(false, 0, null);
        }

        Assert.Equal(data.End, buffer.End);
        return new ParseResult(true, data.Length - buffer.Length, fortune);
    }
}
