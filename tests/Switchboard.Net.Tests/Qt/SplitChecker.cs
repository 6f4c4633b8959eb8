using System.Buffers;

namespace Switchboard.Net.Tests.Qt;

/// <summary>One attempt to parse: whether it succeeded, how many bytes it consumed, and what it read.</summary>
internal readonly record struct ParseResult(bool Complete, long Consumed, object? Value);

/// <summary>
/// Feeds an encoding to a parser the way a network delivers it: every proper prefix must report "need more" and
/// consume nothing; the whole, cut in two or three segments at every boundary, must parse to the same value.
/// </summary>
internal static class SplitChecker
{
    public static void Check(byte[] encoded, object? expected, Func<ReadOnlySequence<byte>, ParseResult> parse)
    {
        for (int cut = 0; cut < encoded.Length; cut++)
        {
            ParseResult partial = parse(Bytes.Segments(encoded[..cut]));
            Assert.False(partial.Complete, $"A prefix of {cut} of {encoded.Length} bytes parsed as complete.");
            Assert.Equal(0, partial.Consumed);
        }

        foreach ((int first, int second) in Bytes.ThreeWayCuts(encoded.Length))
        {
            ReadOnlySequence<byte> whole = Bytes.Segments(encoded[..first], encoded[first..second], encoded[second..]);
            ParseResult result = parse(whole);
            Assert.True(result.Complete, $"The whole message cut at {first} and {second} did not parse.");
            Assert.Equal(encoded.Length, result.Consumed);
            Assert.Equal(expected, result.Value);
        }
    }

    /// <summary>Like <see cref="Check"/>, and also with trailing bytes: they must be left unconsumed.</summary>
    public static void CheckWithTrailer(byte[] encoded, object? expected, Func<ReadOnlySequence<byte>, ParseResult> parse)
    {
        Check(encoded, expected, parse);
        byte[] trailer = [0xFF, 0x00, 0xFF];
        ParseResult result = parse(Bytes.Segments(encoded, trailer));
        Assert.True(result.Complete);
        Assert.Equal(encoded.Length, result.Consumed);
        Assert.Equal(expected, result.Value);
    }
}
