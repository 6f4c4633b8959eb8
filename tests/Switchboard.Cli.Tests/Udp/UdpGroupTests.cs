using System.Globalization;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Udp;

/// <summary>Multicast groups and broadcast, each inside a private network namespace (never on a real network).</summary>
public sealed class UdpGroupTests
{
    [Fact]
    public async Task Listen_joins_two_ipv4_groups_and_hears_datagrams_sent_to_each()
    {
        await using var ns = await NetworkNamespace.StartAsync();
        var (listener, port) = await ns.ListenUdpAsync("--join", "239.1.2.3", "--join", "239.1.2.4");
        await using var _ = listener;
        await listener.WaitForLineAsync("joined multicast group 239\\.1\\.2\\.3", stderr: true);
        await listener.WaitForLineAsync("joined multicast group 239\\.1\\.2\\.4", stderr: true);

        Assert.Equal(0, (await ns.RunCliAsync("to the first group", "connect", "--udp", "-w", "200ms", "239.1.2.3", Text(port))).ExitCode);
        Assert.Equal(0, (await ns.RunCliAsync("to the second group", "connect", "--udp", "-w", "200ms", "--ttl", "2", "239.1.2.4", Text(port))).ExitCode);
        await listener.WaitForLineAsync("\\] to the first group$");
        await listener.WaitForLineAsync("\\] to the second group$");

        // A group not joined is not heard: a datagram to it goes first, the control one after it on the same path.
        Assert.Equal(0, (await ns.RunCliAsync("to a group not joined", "connect", "--udp", "-w", "200ms", "239.9.9.9", Text(port))).ExitCode);
        Assert.Equal(0, (await ns.RunCliAsync("control", "connect", "--udp", "-w", "200ms", "239.1.2.3", Text(port))).ExitCode);
        await listener.WaitForLineAsync("\\] control$");
        Assert.DoesNotContain("not joined", listener.Stdout);

        // Ctrl-C: the listener leaves both groups before it closes.
        listener.Signal(2);
        Assert.Equal(0, await listener.WaitForExitAsync());
        Assert.Contains("left multicast group 239.1.2.3", listener.Stderr);
        Assert.Contains("left multicast group 239.1.2.4", listener.Stderr);
    }

    [Fact]
    public async Task Ipv6_group_is_heard_and_no_loopback_keeps_a_datagram_off_this_host()
    {
        await using var ns = await NetworkNamespace.StartAsync();
        var (listener, port) = await ns.ListenUdpAsync("--join", "ff15::5b");
        await using var _ = listener;

        Assert.Equal(0, (await ns.RunCliAsync("not looped back", "connect", "--udp", "-w", "200ms", "--no-loopback", "ff15::5b", Text(port))).ExitCode);
        Assert.Equal(0, (await ns.RunCliAsync("looped back", "connect", "--udp", "-w", "200ms", "ff15::5b", Text(port))).ExitCode);
        await listener.WaitForLineAsync("\\] looped back$");
        Assert.DoesNotContain("not looped back", listener.Stdout);
        Assert.Contains("listening on udp [::]:", listener.Stderr);
    }

    [Fact]
    public async Task Broadcast_needs_the_switch_and_then_reaches_a_listener()
    {
        using var folder = new TempFolder();
        var hosts = folder.File("hosts", "127.0.0.1 localhost\n127.255.255.255 everyone.test\n");
        await using var ns = await NetworkNamespace.StartAsync(hosts);
        var (listener, port) = await ns.ListenUdpAsync("--host", "0.0.0.0");
        await using var _ = listener;

        var refused = await ns.RunCliAsync("not sent", "connect", "--udp", "127.255.255.255", Text(port));
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("switchboard connect: 127.255.255.255 is a broadcast address: add --broadcast to send to it", refused.Stderr.Trim());

        // A name is resolved only when sending: the library's own refusal, worded the same.
        var byName = await ns.RunCliAsync("not sent either", "connect", "--udp", "everyone.test", Text(port));
        Assert.Equal(2, byName.ExitCode);
        Assert.Equal("switchboard connect: 127.255.255.255 is a broadcast address: add --broadcast to send to it", byName.Stderr.Trim());

        Assert.Equal(0, (await ns.RunCliAsync("to everyone", "connect", "--udp", "-w", "200ms", "--broadcast", "127.255.255.255", Text(port))).ExitCode);
        await listener.WaitForLineAsync("^\\[127\\.0\\.0\\.1:\\d+\\] to everyone$");
        Assert.DoesNotContain("not sent", listener.Stdout);
    }

    [Theory]
    [InlineData(new[] { "listen", "--port", "0", "--join", "239.1.2.3" }, "--join needs --udp")]
    [InlineData(new[] { "listen", "--udp", "--port", "0", "--join", "10.1.2.3" }, "--join '10.1.2.3' is not a multicast address")]
    [InlineData(new[] { "listen", "--udp", "--port", "0", "--join", "239.1.2.3", "--join", "ff15::1" }, "all IPv4 or all IPv6")]
    [InlineData(new[] { "connect", "--broadcast", "127.0.0.1", "9" }, "need --udp")]
    [InlineData(new[] { "connect", "--udp", "--ttl", "256", "239.1.2.3", "9" }, "--ttl must be from 0 to 255")]
    public async Task Group_options_are_checked_before_anything_opens(string[] arguments, string expected)
    {
        var result = await SwitchboardCli.RunAsync(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
