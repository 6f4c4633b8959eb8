namespace Switchboard.Chat.Tests.Infrastructure;

/// <summary>
/// For tests whose clients send as fast as they can on purpose, to load what the test is about (slow consumers,
/// buffers, the outbound budget, lazy replies): the limits on what users send are lifted, in one place, so each such
/// test does not repeat them and none lifts one and forgets another.
/// </summary>
internal static class LoadTestLimits
{
    /// <summary>No storage quota, per nick or per address.</summary>
    public static void LiftStorageQuota(this ChatServerOptions options)
    {
        options.StorageQuotaPerNick = 0;
        options.StorageQuotaPerAddress = 0;
    }

    /// <summary>A rate limit no test reaches (a million lines a second, and as many at once), and no storage quota.</summary>
    public static void LiftRateLimitAndStorageQuota(this ChatServerOptions options)
    {
        options.RateLimitPerSecond = 1_000_000;
        options.RateLimitBurst = 1_000_000;
        options.LiftStorageQuota();
    }
}
