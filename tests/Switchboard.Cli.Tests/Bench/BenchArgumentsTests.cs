using System.Net;
using Switchboard.Cli.Commands.Bench;

namespace Switchboard.Cli.Tests.Bench;

public sealed class BenchArgumentsTests
{
    [Theory]
    [InlineData("10.0.0.1:7000")]
    [InlineData("192.168.1.10:7000")]
    [InlineData("8.8.8.8:53")]
    [InlineData("0.0.0.0:7000")]
    [InlineData("[2001:db8::1]:7000")]
    [InlineData("[::]:7000")]
    [InlineData("example.com:80")]
    [InlineData("my-host:7000")]
    public void Targets_off_this_machine_are_refused(string target)
    {
        var arguments = new BenchArguments { Scenario = "echo", Target = target };
        Assert.False(arguments.TryValidate(out var settings, out var error));
        Assert.Null(settings);
        Assert.Contains("loopback", error);
    }

    [Theory]
    [InlineData("127.0.0.1:7000", "127.0.0.1")]
    [InlineData("127.9.8.7:7000", "127.9.8.7")]
    [InlineData("[::1]:7000", "::1")]
    [InlineData("localhost:7000", "127.0.0.1")]
    public void Loopback_targets_are_accepted(string target, string address)
    {
        var arguments = new BenchArguments { Scenario = "pingpong", Target = target };
        Assert.True(arguments.TryValidate(out var settings, out var error), error);
        var endPoint = Assert.IsType<IPEndPoint>(settings!.Target.EndPoint);
        Assert.Equal(IPAddress.Parse(address), endPoint.Address);
        Assert.Equal(7000, endPoint.Port);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:http")]
    public void Malformed_targets_are_refused(string target)
    {
        Assert.False(new BenchArguments { Scenario = "echo", Target = target }.TryValidate(out _, out var error));
        Assert.Contains("--target", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_server_pid_that_is_not_a_process_is_refused(int pid)
    {
        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:7000", ServerPid = pid }.TryValidate(out _, out var error));
        Assert.Contains("--server-pid", error);
    }

    [Fact]
    public void A_rate_paces_fanout_only_and_lifts_the_in_flight_default()
    {
        Assert.True(new BenchArguments { Scenario = "fanout", Target = "127.0.0.1:7000", Size = 64, Rate = 5000 }.TryValidate(out var paced, out var error), error);
        Assert.Equal(5000, paced!.Rate);
        Assert.Equal(1000, paced.InFlight);
        Assert.True(new BenchArguments { Scenario = "fanout", Target = "127.0.0.1:7000", Size = 64 }.TryValidate(out var unpaced, out error), error);
        Assert.Null(unpaced!.Rate);
        Assert.Equal(2, unpaced.InFlight);

        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:7000", Rate = 5000 }.TryValidate(out _, out error));
        Assert.Contains("--rate", error);
        Assert.False(new BenchArguments { Scenario = "fanout", Target = "127.0.0.1:7000", Size = 64, Rate = 0 }.TryValidate(out _, out error));
        Assert.Contains("--rate", error);
    }

    [Fact]
    public void Several_targets_are_the_nodes_of_a_cluster_and_each_must_be_loopback()
    {
        var arguments = new BenchArguments { Scenario = "echo", Target = "127.0.0.1:7001,127.0.0.1:7002, [::1]:7003" };
        Assert.True(arguments.TryValidate(out var settings, out var error), error);
        Assert.Equal([7001, 7002, 7003], settings!.Targets.Select(t => t.Port));
        Assert.Equal("127.0.0.1:7001,127.0.0.1:7002,[::1]:7003", settings.Target.Display);

        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:7001,10.0.0.1:7002" }.TryValidate(out _, out var offMachine));
        Assert.Contains("loopback", offMachine);
    }

    [Fact]
    public void A_unix_socket_is_a_valid_target()
    {
        Assert.True(new BenchArguments { Scenario = "echo", Unix = "/tmp/x.sock" }.TryValidate(out var settings, out _));
        Assert.True(settings!.Target.IsUnix);
    }

    [Fact]
    public void A_target_is_required_and_only_one()
    {
        Assert.False(new BenchArguments { Scenario = "echo" }.TryValidate(out _, out _));
        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Unix = "/tmp/x" }.TryValidate(out _, out _));
    }

    [Theory]
    [InlineData("flood")]
    [InlineData("1")]
    [InlineData("")]
    public void Unknown_scenarios_are_refused(string scenario)
        => Assert.False(new BenchArguments { Scenario = scenario, Target = "127.0.0.1:1" }.TryValidate(out _, out _));

    [Fact]
    public void Every_run_is_bounded()
    {
        Assert.True(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1" }.TryValidate(out var byDefault, out _));
        Assert.Equal(TimeSpan.FromSeconds(10), byDefault!.Duration);
        Assert.True(byDefault.Timeout < TimeSpan.FromMinutes(2));

        Assert.True(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Count = 5 }.TryValidate(out var byCount, out _));
        Assert.Null(byCount!.Duration);
        Assert.Equal(5, byCount.Count);
        Assert.True(byCount.Timeout <= TimeSpan.FromMinutes(2));

        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Duration = "11m" }.TryValidate(out _, out _));
        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Count = 0 }.TryValidate(out _, out _));
        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Clients = 0 }.TryValidate(out _, out _));
        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Clients = 20_001 }.TryValidate(out _, out _));
        Assert.False(new BenchArguments { Scenario = "echo", Target = "127.0.0.1:1", Size = 0 }.TryValidate(out _, out _));
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("3", 3_000)]
    public void Durations_parse(string text, int milliseconds)
    {
        Assert.True(BenchArguments.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("-1s")]
    [InlineData("")]
    public void Bad_durations_are_refused(string text) => Assert.False(BenchArguments.TryParseDuration(text, out _));
}
