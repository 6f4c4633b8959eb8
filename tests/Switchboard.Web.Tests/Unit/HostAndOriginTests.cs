using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Unit;

/// <summary>
/// Host and Origin are checked against the console's names always, token or not: a console meant for 0.0.0.0 (its
/// rules, on a loopback socket here) with the token offered still refuses a foreign name and a foreign upgrade.
/// </summary>
public sealed class HostAndOriginTests
{
    private const string Token = "a-token-that-the-attacker-somehow-has";

    private static Dictionary<string, string> WithToken(Dictionary<string, string>? headers = null)
    {
        headers ??= [];
        headers["Authorization"] = "Bearer " + Token;
        return headers;
    }

    [Fact]
    public async Task Beyond_loopback_a_foreign_host_name_is_refused_even_with_the_token()
    {
        await using var console = await MountedConsole.StartAsync(new ConsoleOptions { Host = "0.0.0.0", Token = Token });
        var port = new Uri(console.BaseUrl).Port;

        Assert.Equal(403, await RawHttp.StatusAsync(console.BaseUrl, "/", "evil.example", WithToken()));
        Assert.Equal(403, await RawHttp.StatusAsync(console.BaseUrl, "/", $"evil.example:{port}", WithToken()));
        Assert.Equal(403, await RawHttp.StatusAsync(console.BaseUrl, "/", "", WithToken()));

        // The same request under names the console does own is served: the refusal above is about the name.
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", $"127.0.0.1:{port}", WithToken()));
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", $"192.0.2.10:{port}", WithToken()));
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", $"localhost:{port}", WithToken()));
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", $"{System.Net.Dns.GetHostName()}:{port}", WithToken()));
    }

    [Fact]
    public async Task Beyond_loopback_a_websocket_with_a_foreign_host_and_origin_does_not_upgrade()
    {
        await using var console = await MountedConsole.StartAsync(new ConsoleOptions { Host = "0.0.0.0", Token = Token });
        var port = new Uri(console.BaseUrl).Port;

        var foreign = await RawHttp.StatusAsync(console.BaseUrl, "/ws/server", $"evil.example:{port}", WithToken(RawHttp.Upgrade($"http://evil.example:{port}")));
        Assert.Equal(403, foreign);
        var foreignOrigin = await RawHttp.StatusAsync(console.BaseUrl, "/ws/server", $"127.0.0.1:{port}", WithToken(RawHttp.Upgrade($"http://evil.example:{port}")));
        Assert.Equal(403, foreignOrigin);

        // The control: the console's own name and origin upgrade.
        var own = await RawHttp.StatusAsync(console.BaseUrl, "/ws/server", $"127.0.0.1:{port}", WithToken(RawHttp.Upgrade($"http://127.0.0.1:{port}")));
        Assert.Equal(101, own);
    }

    [Fact]
    public async Task Configured_names_are_served_and_a_foreign_origin_is_refused_on_plain_requests_too()
    {
        var options = new ConsoleOptions { Host = "0.0.0.0", Token = Token, AllowedHosts = { "console.example.org" } };
        await using var console = await MountedConsole.StartAsync(options);
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", "console.example.org", WithToken()));
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", "console.example.org.", WithToken()));
        Assert.Equal(403, await RawHttp.StatusAsync(console.BaseUrl, "/", "other.example.org", WithToken()));
        Assert.Equal(403, await RawHttp.StatusAsync(console.BaseUrl, "/", "console.example.org", WithToken(new() { ["Origin"] = "http://evil.example" })));
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", "console.example.org", WithToken(new() { ["Origin"] = "http://console.example.org" })));
    }

    [Fact]
    public async Task On_loopback_only_loopback_names_are_served()
    {
        await using var console = await MountedConsole.StartAsync(new ConsoleOptions { Host = "127.0.0.1", Token = Token });
        var port = new Uri(console.BaseUrl).Port;
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", $"127.0.0.1:{port}", WithToken()));
        Assert.Equal(200, await RawHttp.StatusAsync(console.BaseUrl, "/", $"[::1]:{port}", WithToken()));
        Assert.Equal(403, await RawHttp.StatusAsync(console.BaseUrl, "/", $"192.0.2.10:{port}", WithToken()));
        Assert.Equal(403, await RawHttp.StatusAsync(console.BaseUrl, "/", $"{System.Net.Dns.GetHostName()}:{port}", WithToken()));
    }
}
