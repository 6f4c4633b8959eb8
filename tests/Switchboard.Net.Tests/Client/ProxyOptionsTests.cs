using Switchboard.Net;

namespace Switchboard.Net.Tests.Client;

public sealed class ProxyOptionsTests
{
    [Theory]
    [InlineData("socks5://127.0.0.1:1080", ProxyKind.Socks5, "127.0.0.1", 1080, null, null)]
    [InlineData("socks5h://proxy.test", ProxyKind.Socks5, "proxy.test", 1080, null, null)]
    [InlineData("socks5://alice:s3cret@[::1]:9050", ProxyKind.Socks5, "::1", 9050, "alice", "s3cret")]
    [InlineData("http://bob:p%40ss%3Aword@proxy.test:3128", ProxyKind.HttpConnect, "proxy.test", 3128, "bob", "p@ss:word")]
    [InlineData("http://proxy.test", ProxyKind.HttpConnect, "proxy.test", 80, null, null)]
    [InlineData("http://carol@proxy.test:8080/", ProxyKind.HttpConnect, "proxy.test", 8080, "carol", "")]
    public void Parse_reads_kind_host_port_and_credentials(string url, ProxyKind kind, string host, int port, string? user, string? password)
    {
        var proxy = ProxyOptions.Parse(url);
        Assert.Equal(kind, proxy.Kind);
        Assert.Equal(host, proxy.Host);
        Assert.Equal(port, proxy.Port);
        Assert.Equal(user, proxy.UserName);
        Assert.Equal(password, proxy.Password);
    }

    [Theory]
    [InlineData("proxy.test:1080", "not a proxy URL")]
    [InlineData("https://proxy.test:443", "scheme 'https' is not supported")]
    [InlineData("socks4://proxy.test", "scheme 'socks4' is not supported")]
    [InlineData("http://proxy.test:3128/x", "no path")]
    [InlineData("http://proxy.test:3128?a=b", "no path")]
    public void Parse_says_what_is_wrong(string url, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ProxyOptions.Parse(url));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_socks5_user_name_longer_than_255_bytes_is_refused_before_connecting()
    {
        var error = Assert.Throws<FormatException>(() => ProxyOptions.Parse($"socks5://{new string('u', 256)}:p@127.0.0.1:1080"));
        Assert.Contains("255 bytes", error.Message);
    }

    [Fact]
    public void ToString_never_shows_the_password()
    {
        var proxy = ProxyOptions.Parse("http://alice:s3cret@127.0.0.1:3128");
        Assert.Equal("http://alice@127.0.0.1:3128", proxy.ToString());
        Assert.Equal("socks5://[::1]:1080", ProxyOptions.Parse("socks5://[::1]").ToString());
    }
}
