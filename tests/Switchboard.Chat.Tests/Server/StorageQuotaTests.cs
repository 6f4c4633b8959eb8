using System.Net;
using Switchboard.Chat.Storage;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// The issue's "60 clients grew chat.db by 11.9 MB/s": what a nick and an address may have stored is a budget of
/// bytes a minute, past which a line gets <c>ERR quota</c> and is neither stored nor delivered, over the wire and
/// from the web page alike.
/// </summary>
public sealed class StorageQuotaTests
{
    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(20);

    // 1,000 characters cost 1,064 bytes: three fit in 4 KiB, the fourth does not.
    private static readonly string Kilobyte = new('k', 1000);

    [Fact]
    public async Task A_nick_over_its_quota_gets_an_error_and_its_line_is_not_stored_while_others_talk_on()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.StorageQuotaPerNick = 4096;
            o.StorageQuotaPerAddress = 0;
        });
        await using var alice = await server.JoinAsync("alice");
        await using var bob = await server.JoinAsync("bob");

        for (var i = 1; i <= 3; i++)
        {
            await alice.SendLineAsync($"{i} {Kilobyte}");
            await bob.WaitForContainsAsync($"<alice> {i} {Kilobyte}", Moment);
        }

        await alice.SendLineAsync($"4 {Kilobyte}");
        var error = await alice.WaitForContainsAsync("ERR quota", Moment);
        Assert.Contains("your nick is over the storage quota of 4 KiB a minute", error, StringComparison.Ordinal);
        Assert.Matches(@"try again in \d+ s", error);

        // Private messages count too; a look-alike nick is the same nick, so changing case buys nothing.
        var before = alice.Lines.Count;
        await alice.SendLineAsync($"/msg bob {Kilobyte}");
        await alice.WaitForAsync(l => l.StartsWith("ERR quota", StringComparison.Ordinal), Moment, "a quota error for /msg", fromIndex: before);
        await alice.SendLineAsync("/nick ALICE");
        await alice.WaitForContainsAsync("is now known as ALICE", Moment);
        before = alice.Lines.Count;
        await alice.SendLineAsync($"5 {Kilobyte}");
        await alice.WaitForAsync(l => l.StartsWith("ERR quota", StringComparison.Ordinal), Moment, "a quota error after a change of case", fromIndex: before);

        // bob, from the same address, has his own allowance (the per-address one is off here).
        await bob.SendLineAsync("still here");
        await alice.WaitForContainsAsync("<bob> still here", Moment);

        var stored = await server.Server.GetHistoryAsync("lobby", 100);
        Assert.Equal(3, stored.Count(m => m.Text.EndsWith(Kilobyte, StringComparison.Ordinal)));
        Assert.DoesNotContain(stored, m => m.Text.StartsWith("4 ", StringComparison.Ordinal) || m.Text.StartsWith("5 ", StringComparison.Ordinal));
        Assert.DoesNotContain(bob.Lines, l => l.Contains("<alice> 4 ", StringComparison.Ordinal) || l.Contains("*private*", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_address_over_its_quota_is_refused_whatever_nick_or_connection_it_uses()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.StorageQuotaPerNick = 0;
            o.StorageQuotaPerAddress = 4096;
        });
        await using var alice = await server.JoinAsync("alice");
        await using var bob = await server.JoinAsync("bob");
        for (var i = 1; i <= 3; i++)
        {
            await alice.SendLineAsync($"{i} {Kilobyte}");
            await bob.WaitForContainsAsync($"<alice> {i} {Kilobyte}", Moment);
        }

        await alice.SendLineAsync("/nick alice2");
        await alice.WaitForContainsAsync("is now known as alice2", Moment);
        await alice.SendLineAsync($"4 {Kilobyte}");
        Assert.Contains("your address is over the storage quota of 4 KiB a minute", await alice.WaitForContainsAsync("ERR quota", Moment), StringComparison.Ordinal);

        // Another connection from 127.0.0.1 shares the allowance.
        await bob.SendLineAsync($"bob {Kilobyte}");
        Assert.Contains("your address", await bob.WaitForContainsAsync("ERR quota", Moment), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Web_posts_meet_the_same_quota()
    {
        await using var server = await TestServer.StartAsync(o => o.StorageQuotaPerNick = 4096);
        for (var i = 1; i <= 3; i++)
        {
            await server.Server.PostAsync("webby", "lobby", $"{i} {Kilobyte}");
        }

        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => server.Server.PostAsync("webby", "lobby", $"4 {Kilobyte}"));
        Assert.Contains("storage quota of 4 KiB a minute", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await server.Server.GetHistoryAsync("lobby", 100)).Count(m => m.Sender == "webby@web"));

        // Another web user is not held back by webby's posts.
        await server.Server.PostAsync("other", "lobby", "hello");
    }

    [Fact]
    public void The_allowance_refills_over_a_minute_and_an_ipv6_64_is_one_address()
    {
        var time = new ManualTime();
        var quota = new StorageQuota(new ChatServerOptions { StorageQuotaPerNick = 0, StorageQuotaPerAddress = 4096 }, time);
        var first = IPAddress.Parse("2001:db8:1:2::1");
        var sameSlash64 = IPAddress.Parse("2001:db8:1:2:ffff::9");
        var otherSlash64 = IPAddress.Parse("2001:db8:1:3::1");

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(quota.TryCharge($"n{i}", first, Kilobyte));
        }

        var refusal = quota.TryCharge("n9", sameSlash64, Kilobyte);
        Assert.NotNull(refusal);
        Assert.Contains("try again in 3 s", refusal, StringComparison.Ordinal);
        Assert.Null(quota.TryCharge("n9", otherSlash64, Kilobyte));

        // 904 bytes were left, 1,064 are needed, 4 KiB come back a minute: not after 2 s (1,040), after 3 s (1,109).
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(quota.TryCharge("n9", first, Kilobyte));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(quota.TryCharge("n9", first, Kilobyte));
        Assert.NotNull(quota.TryCharge("n9", first, Kilobyte));

        // A message larger than a minute's quota passes only on a full allowance, and then refills for longer: 30 s
        // later the allowance is at 80 bytes, not at the 2,048 a normal message would have left.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(quota.TryCharge("n9", first, new string('x', 6000)));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(quota.TryCharge("n9", first, Kilobyte));

        // Without an address (a Unix socket) only the nick counts, and that is off here.
        Assert.Null(quota.TryCharge("n9", null, new string('x', 6000)));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
