using System.Buffers.Binary;

namespace Switchboard.Fuzz.Engine;

/// <summary>
/// Byte-level mutations of valid input, aimed at what breaks readers: flipped bits, truncation, length fields at
/// their boundaries, invalid UTF-8, spliced frames, repeated runs.
/// </summary>
internal static class Mutator
{
    private static readonly byte[] s_interesting = [0x00, 0x01, 0x0A, 0x0D, 0x1B, 0x20, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xFE, 0xFF];

    // Overlong encodings, lone surrogates (ED A0 80), code points over U+10FFFF, stray continuation bytes, cut sequences.
    private static readonly byte[][] s_badUtf8 =
    [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xBF], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xFF], [0xFE],
    ];

    /// <summary>
    /// Applies one to four mutations. <paramref name="lengths"/> are the values worth writing into length fields
    /// (0, the maximum, one over it, the largest values of each width, "negative" ones).
    /// </summary>
    public static byte[] Mutate(Rng rng, byte[] input, IReadOnlyList<long> lengths, byte[]? spliceable = null)
    {
        var data = new List<byte>(input);
        var count = rng.Between(1, 4);
        for (var m = 0; m < count; m++)
        {
            Apply(rng, data, lengths, spliceable);
        }

        return [.. data];
    }

    private static void Apply(Rng rng, List<byte> data, IReadOnlyList<long> lengths, byte[]? spliceable)
    {
        var at = rng.Below(data.Count + 1);
        switch (rng.Below(10))
        {
            case 0 when data.Count > 0:
                data[Math.Min(at, data.Count - 1)] ^= (byte)(1 << rng.Below(8));
                break;
            case 1 when data.Count > 0:
                data[Math.Min(at, data.Count - 1)] = rng.Pick(s_interesting);
                break;
            case 2:
                data.InsertRange(at, rng.Bytes(rng.Between(1, 16)));
                break;
            case 3 when data.Count > 0:
                var cut = Math.Min(rng.Between(1, 16), data.Count - Math.Min(at, data.Count - 1));
                data.RemoveRange(Math.Min(at, data.Count - 1), cut);
                break;
            case 4:
                data.RemoveRange(at, data.Count - at);
                break;
            case 5 when data.Count > 0:
                var start = Math.Min(at, data.Count - 1);
                var run = data.GetRange(start, Math.Min(rng.Between(1, 32), data.Count - start));
                for (var r = rng.Between(1, 8); r > 0; r--)
                {
                    data.InsertRange(start, run);
                }

                break;
            case 6 or 7:
                WriteLength(rng, data, at, rng.Pick(lengths));
                break;
            case 8:
                data.InsertRange(at, rng.Pick(s_badUtf8));
                break;
            default:
                if (spliceable is { Length: > 0 })
                {
                    data.InsertRange(at, spliceable);
                }
                else
                {
                    data.Insert(at, rng.Pick(s_interesting));
                }

                break;
        }
    }

    /// <summary>Overwrites (or inserts, at the end) a big-endian length of 1, 2, 4 or 8 bytes.</summary>
    private static void WriteLength(Rng rng, List<byte> data, int at, long value)
    {
        var width = rng.Pick(s_widths);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        var field = bytes[(8 - width)..];
        for (var i = 0; i < field.Length; i++)
        {
            if (at + i < data.Count)
            {
                data[at + i] = field[i];
            }
            else
            {
                data.Add(field[i]);
            }
        }
    }

    private static readonly int[] s_widths = [1, 2, 4, 4, 4, 8];

    /// <summary>The length values worth trying around a maximum.</summary>
    public static long[] Boundaries(long max) =>
    [
        0, 1, 2, 3, 4, max - 1, max, max + 1, max + 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF, -1, -2, long.MaxValue, long.MinValue,
    ];

    /// <summary>
    /// Where to cut the input into chunks, as the network would: all at once, at a few random places, every byte,
    /// or in small fixed pieces.
    /// </summary>
    public static int[] Cuts(Rng rng, int length)
    {
        if (length <= 1)
        {
            return [];
        }

        // Weighted so that one case costs tens of chunks on average, not hundreds: every offset is still tried,
        // one case in ten, and every single cut point of short inputs by the framing targets.
        switch (rng.Below(20))
        {
            case < 5:
                return [];
            case < 7 when length <= 256:
                return [.. Enumerable.Range(1, length - 1)];
            case < 10:
                // Small steps, but never more than 512 chunks: the pipe work per chunk is what a run measures otherwise.
                var step = Math.Max(rng.Between(1, 7), length / 512);
                return [.. Enumerable.Range(1, (length - 1) / step).Select(i => i * step).Where(c => c < length)];
            default:
                var cuts = new SortedSet<int>();
                for (var i = rng.Between(1, 8); i > 0; i--)
                {
                    cuts.Add(rng.Between(1, length - 1));
                }

                return [.. cuts];
        }
    }
}
