using System.Numerics;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>
/// A log-linear latency histogram in the manner of HDR histograms: values below 256 are counted exactly; above,
/// every power of two is split into 128 linear sub-buckets, so any value is known to within 1/128 (0.8 %).
/// Recording is one array increment and never allocates. Not thread-safe: keep one per client and merge.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int ExactBits = 8;
    private const int ExactCount = 1 << ExactBits;           // 0..255 are exact
    private const int SubBuckets = ExactCount / 2;            // 128 per power of two above that

    /// <summary>The largest value tracked to precision: 2^40 ns, about 18 minutes. Larger values land in the top bucket.</summary>
    public const long HighestTrackable = (1L << 40) - 1;

    private static readonly int s_bucketCount = IndexOf(HighestTrackable) + 1;

    private readonly long[] _counts = new long[s_bucketCount];

    /// <summary>How many values were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The smallest value recorded, exactly; 0 when empty.</summary>
    public long Min { get; private set; } = long.MaxValue;

    /// <summary>The largest value recorded, exactly; 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>The sum of the values recorded (for the mean).</summary>
    public double Sum { get; private set; }

    /// <summary>The mean of the values recorded; 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : Sum / Count;

    /// <summary>Records one value (in any unit; the bench uses nanoseconds).</summary>
    public void Record(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        _counts[IndexOf(Math.Min(value, HighestTrackable))]++;
        Count++;
        Sum += value;
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Merge(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0 to 100): the highest value equivalent to the recorded one at
    /// that rank, never above the exact maximum. 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100.0);
        if (Count == 0)
        {
            return 0;
        }

        // The tiny relative allowance keeps 99.9 % of 100,000 at rank 99,900 despite 99.9 / 100 not being exact.
        var exact = percentile / 100.0 * Count;
        var rank = Math.Max(1, (long)Math.Ceiling(exact - (exact * 1e-12)));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                // The bucket holding the largest value reports it exactly (it may be beyond the trackable range).
                return seen == Count ? Max : Math.Clamp(HighestEquivalent(i), Min, Max);
            }
        }

        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < ExactCount)
        {
            return (int)value;
        }

        // value has its top bit at position msb >= 8; keep its top 8 bits (128..255) as the sub-bucket.
        var shift = (63 - BitOperations.LeadingZeroCount((ulong)value)) - (ExactBits - 1);
        var sub = (int)(value >> shift);
        return ExactCount + ((shift - 1) * SubBuckets) + (sub - SubBuckets);
    }

    internal static long LowestEquivalent(int index)
    {
        if (index < ExactCount)
        {
            return index;
        }

        var shift = ((index - ExactCount) / SubBuckets) + 1;
        var sub = SubBuckets + ((index - ExactCount) % SubBuckets);
        return (long)sub << shift;
    }

    internal static long HighestEquivalent(int index)
    {
        if (index < ExactCount)
        {
            return index;
        }

        var shift = ((index - ExactCount) / SubBuckets) + 1;
        return LowestEquivalent(index) + (1L << shift) - 1;
    }
}
