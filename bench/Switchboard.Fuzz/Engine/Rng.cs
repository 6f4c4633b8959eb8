namespace Switchboard.Fuzz.Engine;

/// <summary>
/// SplitMix64: tiny, fast and the same on every platform and runtime, so a (seed, target, case) triple always
/// regenerates the same input (System.Random's seeded sequence is an implementation detail).
/// </summary>
internal sealed class Rng(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The seed of one case: independent of how many cases ran before it, so a case replays alone.</summary>
    public static ulong CaseSeed(ulong seed, string target, long index)
    {
        ulong h = 1469598103934665603UL;
        foreach (var c in target)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return Mix(seed ^ Mix(h) ^ Mix((ulong)index + 0x632BE59BD9B4E019UL));
    }

    public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>0 to <paramref name="n"/> - 1 (0 when n is 0 or less).</summary>
    public int Below(int n) => n <= 0 ? 0 : (int)(Next() % (ulong)n);

    /// <summary>From <paramref name="low"/> to <paramref name="high"/>, both included.</summary>
    public int Between(int low, int high) => low + Below(high - low + 1);

    public bool Chance(int percent) => Below(100) < percent;

    public byte Byte() => (byte)Next();

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];

    public void Fill(Span<byte> span)
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (byte)Next();
        }
    }

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Fill(bytes);
        return bytes;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
