using Switchboard.Chat.Server;

namespace Switchboard.Chat.Tests.Server;

public sealed class TokenBucketTests
{
    [Fact]
    public void The_default_limit_allows_20_lines_a_second_sustained()
    {
        var options = new ChatServerOptions();
        var time = new ManualTime();
        var bucket = new TokenBucket(options.RateLimitPerSecond, options.RateLimitBurst, time);
        for (var i = 0; i < 20 * 60; i++)
        {
            Assert.True(bucket.TryTake(), $"line {i} at 20/s was refused");
            time.Advance(TimeSpan.FromMilliseconds(50));
        }
    }

    [Fact]
    public void A_burst_beyond_the_bucket_is_refused_until_it_refills()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(ratePerSecond: 10, burst: 5, time);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake());
        }

        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, Enumerable.Range(0, 10).Count(_ => bucket.TryTake()));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
