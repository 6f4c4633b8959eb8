using System.Buffers;

namespace Switchboard.Net.Tests.Qt;

/// <summary>Builds byte sequences, including ones split over several segments as a pipe delivers them.</summary>
internal static class Bytes
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static ReadOnlySequence<byte> Segments(params byte[][] pieces)
        => SegmentedSequence.FromPieces(pieces.Select(p => (ReadOnlyMemory<byte>)p));

    /// <summary>Every way to cut <paramref name="data"/> in three pieces, or a spread sample when it is long.</summary>
    public static IEnumerable<(int First, int Second)> ThreeWayCuts(int length)
    {
        if (length <= 48)
        {
            for (int i = 0; i <= length; i++)
            {
                for (int j = i; j <= length; j++)
                {
                    yield return (i, j);
                }
            }

            yield break;
        }

        for (int i = 0; i <= length; i++)
        {
            yield return (i, i + ((length - i) / 2));
            yield return (i, Math.Min(length, i + 1));
        }
    }
}
