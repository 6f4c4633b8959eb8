namespace Switchboard.Net.Tests.Transport;

/// <summary>Repeated log lines: a burst per interval gets through, the rest are counted and reported once.</summary>
public sealed class LogRateLimiterTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void A_flood_of_one_line_is_a_burst_then_one_line_saying_how_many_were_suppressed()
    {
        var time = new ManualTime();
        var limiter = new LogRateLimiter(burst: 3, interval: TimeSpan.FromSeconds(10), time);
        var logged = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (limiter.ShouldLog(out var suppressed))
            {
                logged++;
                Assert.Equal(0, suppressed);
            }
        }

        Assert.Equal(3, logged);

        time.Ticks += TimeSpan.FromSeconds(10).Ticks;
        Assert.True(limiter.ShouldLog(out var count));
        Assert.Equal(997, count);
        Assert.Equal(" (997 similar messages suppressed)", LogRateLimiter.Note(count));
        Assert.True(limiter.ShouldLog(out count));
        Assert.Equal(0, count);
        Assert.Equal("", LogRateLimiter.Note(count));
    }
}
