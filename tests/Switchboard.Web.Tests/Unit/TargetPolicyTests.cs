using Switchboard.Web.Client;

namespace Switchboard.Web.Tests.Unit;

/// <summary>Where the client page may connect: no open proxy by default.</summary>
public sealed class TargetPolicyTests
{
    private static Task<string> CheckAsync(ConsoleOptions options, string host, int port)
        => TargetPolicy.Create(options).CheckNetworkAsync(host, port, CancellationToken.None);

    [Theory]
    [InlineData("127.0.0.1", 1, "127.0.0.1")]
    [InlineData("127.0.0.1", 65535, "127.0.0.1")]
    [InlineData("127.5.6.7", 22, "127.5.6.7")]
    [InlineData("::1", 8899, "::1")]
    [InlineData("[::1]", 8899, "::1")]
    [InlineData("::ffff:127.0.0.1", 8899, "127.0.0.1")]
    public async Task A_loopback_console_reaches_loopback_by_default(string host, int port, string dialled)
        => Assert.Equal(dialled, await CheckAsync(new ConsoleOptions(), host, port));

    [Fact]
    public async Task A_name_is_dialled_by_the_address_that_passed()
        => Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(await CheckAsync(new ConsoleOptions(), "localhost", 8899))));

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::ffff:192.0.2.1")]
    public async Task A_loopback_console_reaches_nothing_else_by_default(string host)
    {
        var refused = await Assert.ThrowsAsync<TargetRefusedException>(() => CheckAsync(new ConsoleOptions(), host, 80));
        Assert.Contains("Web:ClientTargets", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_console_beyond_loopback_reaches_nothing_by_default_not_even_loopback()
    {
        var options = new ConsoleOptions { Host = "0.0.0.0" };
        await Assert.ThrowsAsync<TargetRefusedException>(() => CheckAsync(options, "127.0.0.1", 8899));
        await Assert.ThrowsAsync<TargetRefusedException>(() => CheckAsync(options, "192.0.2.1", 8899));
    }

    [Fact]
    public async Task Configured_targets_replace_the_default()
    {
        var options = new ConsoleOptions { ClientTargets = { "10.0.0.0/8:8000-8999", "192.0.2.7:443", "[fd00::/8]:*", "fortune.example.org:7000" } };
        Assert.Equal("10.1.2.3", await CheckAsync(options, "10.1.2.3", 8080));
        Assert.Equal("192.0.2.7", await CheckAsync(options, "192.0.2.7", 443));
        Assert.Equal("fd00::1", await CheckAsync(options, "fd00::1", 1));
        // A listed name is trusted as a name (no lookup needed to allow it).
        Assert.Equal("fortune.example.org", await CheckAsync(options, "FORTUNE.example.org.", 7000));
        await Assert.ThrowsAsync<TargetRefusedException>(() => CheckAsync(options, "10.1.2.3", 9000));
        await Assert.ThrowsAsync<TargetRefusedException>(() => CheckAsync(options, "192.0.2.7", 80));
        await Assert.ThrowsAsync<TargetRefusedException>(() => CheckAsync(options, "127.0.0.1", 8899));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("::1:80")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:9-8")]
    [InlineData("10.0.0.0/33:*")]
    [InlineData("bad host:80")]
    public void A_malformed_target_is_refused_at_start_naming_it(string entry)
    {
        var options = new ConsoleOptions { ClientTargets = { entry } };
        var error = Assert.Throws<FormatException>(options.Validate);
        Assert.Contains(entry, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unix_sockets_are_refused_unless_their_directory_is_listed()
    {
        using var scratch = new Scratch();
        var socket = scratch.Path("in/service.sock");
        var none = Assert.Throws<TargetRefusedException>(() => TargetPolicy.Create(new ConsoleOptions()).CheckUnix(socket));
        Assert.Contains("Web:ClientUnixDirectories", none.Message, StringComparison.Ordinal);

        var policy = TargetPolicy.Create(new ConsoleOptions { ClientUnixDirectories = { scratch.Path("in") } });
        Assert.Equal(socket, policy.CheckUnix(socket));
        Assert.Throws<TargetRefusedException>(() => policy.CheckUnix(scratch.Raw("in/../out/other.sock")));
        Assert.Throws<TargetRefusedException>(() => policy.CheckUnix(scratch.Path("inside.sock")));
        Assert.Throws<TargetRefusedException>(() => policy.CheckUnix(scratch.Path("in")));

        // A link under the allowed directory that leads out of it is not a way around the list.
        File.CreateSymbolicLink(scratch.Path("in/link.sock"), scratch.Path("out/other.sock"));
        Directory.CreateSymbolicLink(scratch.Path("in/sub"), scratch.Path("out"));
        Assert.Throws<TargetRefusedException>(() => policy.CheckUnix(scratch.Path("in/link.sock")));
        Assert.Throws<TargetRefusedException>(() => policy.CheckUnix(scratch.Path("in/sub/other.sock")));
    }

    private sealed class Scratch : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("switchboard-targets-").FullName;

        public Scratch()
        {
            Directory.CreateDirectory(Path("in"));
            Directory.CreateDirectory(Path("out"));
        }

        public string Raw(string relative) => System.IO.Path.Combine(_root, relative);

        public string Path(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(_root, relative));

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
