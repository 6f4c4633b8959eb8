using System.Net;
using Switchboard.Net;

namespace Switchboard.Net.Tests.Udp;

/// <summary>
/// The group options as the kernel reports them back, and the checks made before any socket option is set. Joining
/// and sending to groups runs in a network namespace in the CLI tests (Switchboard.Cli.Tests/Udp), never here.
/// </summary>
public sealed class UdpGroupOptionTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Ttl_loopback_and_broadcast_reach_the_socket(string address)
    {
        using var udp = UdpEndpoint.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        Assert.Equal(1, udp.MulticastTimeToLive);
        Assert.True(udp.MulticastLoopback);
        Assert.False(udp.EnableBroadcast);

        udp.MulticastTimeToLive = 7;
        udp.MulticastLoopback = false;
        Assert.Equal(7, udp.MulticastTimeToLive);
        Assert.False(udp.MulticastLoopback);
        Assert.Throws<ArgumentOutOfRangeException>(() => udp.MulticastTimeToLive = 256);
    }

    [Fact]
    public void Joining_a_unicast_address_or_the_other_family_is_refused_before_the_kernel_is_asked()
    {
        using var udp = UdpEndpoint.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Contains("is not a multicast address", Assert.Throws<ArgumentException>(() => udp.JoinMulticastGroup(IPAddress.Parse("10.1.2.3"))).Message);
        Assert.Contains("is IPv6", Assert.Throws<ArgumentException>(() => udp.JoinMulticastGroup(IPAddress.Parse("ff15::1"))).Message);
    }

    [Fact]
    public void Leaving_a_group_never_joined_is_the_kernels_error_translated()
    {
        // Dropping a membership that does not exist fails in the kernel (EADDRNOTAVAIL) and sends nothing.
        using var udp = UdpEndpoint.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var error = Assert.Throws<IOException>(() => udp.LeaveMulticastGroup(IPAddress.Parse("239.1.2.3")));
        Assert.StartsWith("cannot leave multicast group 239.1.2.3: ", error.Message);
    }

    [Theory]
    [InlineData("224.0.0.1", true)]
    [InlineData("239.255.255.255", true)]
    [InlineData("240.0.0.1", false)]
    [InlineData("223.255.255.255", false)]
    [InlineData("ff02::1", true)]
    [InlineData("fe80::1", false)]
    public void IsMulticast_knows_both_ranges(string address, bool expected)
        => Assert.Equal(expected, UdpEndpoint.IsMulticast(IPAddress.Parse(address)));

    [Theory]
    [InlineData("255.255.255.255", true)]
    [InlineData("127.255.255.255", true)] // lo is 127.0.0.1/8 on every Linux machine
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    public void IsBroadcast_knows_the_limited_and_the_local_directed_broadcast(string address, bool expected)
        => Assert.Equal(expected, UdpEndpoint.IsBroadcast(IPAddress.Parse(address)));
}
