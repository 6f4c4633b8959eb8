using System.Net;
using Switchboard.Chat.Server;

namespace Switchboard.Chat.Tests.Server;

/// <summary>Per-address connection caps count an IPv6 client by its /64, which one user is handed whole.</summary>
public sealed class PerAddressCapTests
{
    [Fact]
    public void Addresses_in_one_ipv6_64_share_one_cap()
    {
        var sessions = new SessionDirectory(() => throw new InvalidOperationException("no store needed"), _ => false);
        Assert.True(sessions.TryCountAddress(IPAddress.Parse("2001:db8:1:2::1"), 2));
        Assert.True(sessions.TryCountAddress(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), 2));

        // A third address of the same /64 is over the cap; the next /64 is someone else.
        Assert.False(sessions.TryCountAddress(IPAddress.Parse("2001:db8:1:2:ffff::9"), 2));
        Assert.True(sessions.TryCountAddress(IPAddress.Parse("2001:db8:1:3::1"), 2));

        // Leaving frees the slot for any address of the /64.
        sessions.UncountAddress(IPAddress.Parse("2001:db8:1:2::1"));
        Assert.True(sessions.TryCountAddress(IPAddress.Parse("2001:db8:1:2:ffff::9"), 2));
    }

    [Fact]
    public void Ipv4_addresses_count_alone_and_a_mapped_one_counts_as_itself()
    {
        var sessions = new SessionDirectory(() => throw new InvalidOperationException("no store needed"), _ => false);
        Assert.True(sessions.TryCountAddress(IPAddress.Parse("192.0.2.1"), 1));
        Assert.True(sessions.TryCountAddress(IPAddress.Parse("192.0.2.2"), 1));
        Assert.False(sessions.TryCountAddress(IPAddress.Parse("::ffff:192.0.2.1"), 1));
    }
}
