using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Configuration;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Unit;

/// <summary>Who may use the console, checked over real HTTP on loopback (no browser needed).</summary>
public sealed class GateTests
{
    [Fact]
    public async Task Loopback_serves_the_pages_with_a_strict_content_security_policy()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0 });
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", console.Mount.Token);
        foreach (var path in new[] { "/", "/client", "/chat", "/assets/common.js" })
        {
            using var response = await http.GetAsync(console.BaseUrls[0] + path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_foreign_host_name_is_refused_against_dns_rebinding()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0 });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, console.BaseUrls[0] + "/");
        request.Headers.Host = "attacker.example:8080";
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task WebSockets_from_another_origin_are_refused()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0 });
        var ws = new Uri(console.BaseUrls[0].Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/server");
        var bearer = "Bearer " + console.Mount.Token;

        // All three carry the token: only the Origin differs.
        using var foreign = new ClientWebSocket();
        foreign.Options.SetRequestHeader("Authorization", bearer);
        foreign.Options.SetRequestHeader("Origin", "http://attacker.example");
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(ws, CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        using var noOrigin = new ClientWebSocket();
        noOrigin.Options.SetRequestHeader("Authorization", bearer);
        await Assert.ThrowsAsync<WebSocketException>(() => noOrigin.ConnectAsync(ws, CancellationToken.None));

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Authorization", bearer);
        own.Options.SetRequestHeader("Origin", console.BaseUrls[0]);
        await own.ConnectAsync(ws, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, own.State);
        await own.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task With_a_token_every_request_needs_it_and_the_url_token_becomes_a_cookie()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Token = "s3cret-token" });
        var baseUrl = console.BaseUrls[0];
        Assert.Equal(baseUrl + "/?token=s3cret-token", console.Url);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(baseUrl + "/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(baseUrl + "/?token=wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(baseUrl + "/assets/server.js")).StatusCode);

        using var redirect = await plain.GetAsync(baseUrl + "/chat?token=s3cret-token");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/chat", redirect.Headers.Location?.OriginalString);
        var cookie = Assert.Single(redirect.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/chat");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await plain.SendAsync(withCookie)).StatusCode);

        using var bearer = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/");
        bearer.Headers.Authorization = new("Bearer", "s3cret-token");
        Assert.Equal(HttpStatusCode.OK, (await plain.SendAsync(bearer)).StatusCode);
    }

    [Fact]
    public async Task The_client_page_can_be_turned_off()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, EnableClientPage = false });
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", console.Mount.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(console.BaseUrls[0] + "/client")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(console.BaseUrls[0] + "/")).StatusCode);

        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", "Bearer " + console.Mount.Token);
        ws.Options.SetRequestHeader("Origin", console.BaseUrls[0]);
        var uri = new Uri(console.BaseUrls[0].Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/client");
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(uri, CancellationToken.None));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("localhost")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.0.2.10")]
    public void A_token_is_generated_when_none_is_configured_on_loopback_too(string host)
    {
        var configuration = new ConfigurationBuilder().Build();
        var token = ConsoleEndpoints.ResolveToken(new ConsoleOptions { Host = host }, configuration, out var generated);
        Assert.NotNull(token);
        Assert.True(generated);
        Assert.True(token.Length >= 32, "a generated token must be long enough not to be guessed");
    }

    [Fact]
    public void The_token_can_be_turned_off_on_loopback_only()
    {
        var configuration = new ConfigurationBuilder().Build();
        Assert.Null(ConsoleEndpoints.ResolveToken(new ConsoleOptions { Host = "127.0.0.1", RequireToken = false }, configuration));
        var refused = Assert.Throws<InvalidOperationException>(() => ConsoleEndpoints.ResolveToken(new ConsoleOptions { Host = "0.0.0.0", RequireToken = false }, configuration));
        Assert.Contains("only on loopback", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_loopback_the_token_is_required_by_default_and_the_printed_url_logs_in_at_once()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0 });
        Assert.NotNull(console.Mount.Token);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(console.BaseUrls[0] + "/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(console.BaseUrls[0] + "/client")).StatusCode);

        // A browser: cookies kept, redirects followed. The printed URL is all it needs.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true });
        using var page = await browser.GetAsync(console.Url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(console.BaseUrls[0] + "/", page.RequestMessage!.RequestUri!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(console.BaseUrls[0] + "/client")).StatusCode);
    }

    [Fact]
    public async Task Turned_off_on_loopback_the_console_needs_no_token()
    {
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, RequireToken = false });
        Assert.Null(console.Mount.Token);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(console.BaseUrls[0] + "/")).StatusCode);
        Assert.Equal(console.BaseUrls[0] + "/", console.Url);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_token_stays_out_of_the_log_and_goes_to_a_file_only_its_owner_can_read()
    {
        var directory = Directory.CreateTempSubdirectory("switchboard-web-token-").FullName;
        try
        {
            var file = Path.Combine(directory, "web-token");
            File.WriteAllText(file, "stale");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var logs = new LogCapture();
            var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, TokenFile = file }, logs.AddTo);
            try
            {
                var token = console.Mount.Token!;
                Assert.Equal(file, console.Mount.TokenFile);
                Assert.Equal(token, File.ReadAllText(file).Trim());
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                Assert.Contains(logs.Lines, l => l.Contains("Web console on " + console.BaseUrls[0], StringComparison.Ordinal));
                Assert.DoesNotContain(token, logs.Text, StringComparison.Ordinal);
            }
            finally
            {
                await console.DisposeAsync();
            }

            Assert.False(File.Exists(file), "the token file is removed when the console stops");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_configured_token_wins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Web:Token", "from-config")]).Build();
        Assert.Equal("from-config", ConsoleEndpoints.ResolveToken(new ConsoleOptions { Host = "0.0.0.0" }, configuration));
        Assert.Equal("explicit", ConsoleEndpoints.ResolveToken(new ConsoleOptions { Host = "0.0.0.0", Token = "explicit" }, configuration));
    }
}
