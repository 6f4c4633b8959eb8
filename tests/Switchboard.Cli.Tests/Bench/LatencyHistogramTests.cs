using Switchboard.Cli.Commands.Bench;

namespace Switchboard.Cli.Tests.Bench;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Empty_histogram_reports_zeros()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(0, histogram.ValueAtPercentile(100));
        Assert.Equal(0, histogram.Mean);
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (var v = 0; v < 200; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(99, histogram.ValueAtPercentile(50));   // rank 100 of 0..199
        Assert.Equal(197, histogram.ValueAtPercentile(99));  // rank 198
        Assert.Equal(0, histogram.ValueAtPercentile(0));
        Assert.Equal(199, histogram.Max);
        Assert.Equal(0, histogram.Min);
    }

    [Fact]
    public void Percentiles_of_a_uniform_distribution_are_within_the_bucket_precision()
    {
        var histogram = new LatencyHistogram();
        for (long v = 1; v <= 1_000_000; v++)
        {
            histogram.Record(v * 7); // 7 ns .. 7 ms
        }

        foreach (var p in new[] { 10.0, 50.0, 90.0, 99.0, 99.9 })
        {
            var expected = p / 100 * 7_000_000;
            var actual = histogram.ValueAtPercentile(p);
            Assert.InRange(actual, expected * 0.99, expected * 1.01);
        }

        Assert.Equal(7_000_000, histogram.ValueAtPercentile(100));
        Assert.Equal(7_000_000, histogram.Max);
        Assert.Equal(1_000_000, histogram.Count);
        Assert.Equal(3_500_003.5, histogram.Mean, 3);
    }

    [Fact]
    public void Percentiles_of_an_exponential_tail_are_within_the_bucket_precision()
    {
        // 90 % at 20 µs, 9 % at 200 µs, 0.9 % at 2 ms, 0.1 % at 20 ms: a loopback round trip with a long tail.
        var histogram = new LatencyHistogram();
        Record(histogram, 20_000, 90_000);
        Record(histogram, 200_000, 9_000);
        Record(histogram, 2_000_000, 900);
        Record(histogram, 20_000_000, 100);

        AssertNear(20_000, histogram.ValueAtPercentile(50));
        AssertNear(20_000, histogram.ValueAtPercentile(90));
        AssertNear(200_000, histogram.ValueAtPercentile(99));
        AssertNear(2_000_000, histogram.ValueAtPercentile(99.9));
        AssertNear(20_000_000, histogram.ValueAtPercentile(99.95));
    }

    [Fact]
    public void Merge_equals_recording_everything_in_one()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        var random = new Random(42);
        for (var i = 0; i < 50_000; i++)
        {
            var v = (long)(random.NextDouble() * random.NextDouble() * 10_000_000);
            (i % 3 == 0 ? a : b).Record(v);
            all.Record(v);
        }

        a.Merge(b);
        a.Merge(new LatencyHistogram());
        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Min, a.Min);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.Sum, a.Sum, 3);
        foreach (var p in new[] { 0.0, 1, 25, 50, 75, 90, 99, 99.9, 99.99, 100 })
        {
            Assert.Equal(all.ValueAtPercentile(p), a.ValueAtPercentile(p));
        }
    }

    [Fact]
    public void Merging_into_an_empty_histogram_keeps_the_minimum()
    {
        var source = new LatencyHistogram();
        source.Record(5_000);
        source.Record(9_000);
        var target = new LatencyHistogram();
        target.Merge(source);
        Assert.Equal(5_000, target.Min);
        Assert.Equal(9_000, target.Max);
        Assert.Equal(2, target.Count);
    }

    [Fact]
    public void Values_beyond_the_trackable_range_land_in_the_top_bucket_and_keep_the_exact_maximum()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(long.MaxValue);
        histogram.Record(1);
        Assert.Equal(long.MaxValue, histogram.Max);
        Assert.Equal(long.MaxValue, histogram.ValueAtPercentile(100));
        Assert.InRange(histogram.ValueAtPercentile(99), LatencyHistogram.HighestTrackable * 0.99, long.MaxValue);
        Assert.Equal(1, histogram.ValueAtPercentile(50));
    }

    [Fact]
    public void Negative_values_and_percentiles_out_of_range_are_refused()
    {
        var histogram = new LatencyHistogram();
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Record(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(100.1));
    }

    [Fact]
    public void Every_value_falls_in_a_bucket_that_contains_it_and_is_at_most_one_128th_wide()
    {
        var random = new Random(7);
        for (var i = 0; i < 200_000; i++)
        {
            var v = i < 5000 ? i : (long)Math.Pow(2, random.NextDouble() * 40);
            v = Math.Min(v, LatencyHistogram.HighestTrackable);
            var index = LatencyHistogram.IndexOf(v);
            var low = LatencyHistogram.LowestEquivalent(index);
            var high = LatencyHistogram.HighestEquivalent(index);
            Assert.InRange(v, low, high);
            Assert.True(high - low <= Math.Max(0, low / 128), $"bucket [{low}, {high}] of {v} is too wide");
        }
    }

    private static void Record(LatencyHistogram histogram, long value, int times)
    {
        for (var i = 0; i < times; i++)
        {
            histogram.Record(value);
        }
    }

    private static void AssertNear(long expected, long actual) => Assert.InRange(actual, expected, expected + (expected / 128) + 1);
}
