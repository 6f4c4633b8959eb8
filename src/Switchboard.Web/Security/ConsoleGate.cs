using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Web.Security;

/// <summary>
/// Who may use the console, checked on every request in this order. The Host header must be a name the console
/// knows (<see cref="HostNames"/>): a page elsewhere that points its own name at this machine (DNS rebinding) is
/// turned away, token or not. An Origin header, when sent, must be the console's own (or configured). Then the
/// token, unless turned off on loopback: from the query once (traded for an HttpOnly SameSite=Strict cookie), the
/// cookie, or a bearer header. WebSocket upgrades must carry an allowed Origin, so another site's page cannot
/// drive the console.
/// </summary>
internal sealed class ConsoleGate(ConsoleOptions options, string? token)
{
    internal const string CookieName = "switchboard_console";

    private readonly HostNames _hosts = new(options);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!_hosts.Allows(context.Request.Host.Host))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, options.IsLoopback
                ? "The console answers only to a loopback host name (127.0.0.1, [::1] or localhost)."
                : "The console does not answer to this host name (add it to Web:AllowedHosts if it is yours).");
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsAllowedOrigin(context, origin))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Refused: the request comes from a page that is not this console's.");
            return;
        }

        if (token is not null && !HasToken(context, token))
        {
            if (context.Request.Query.TryGetValue("token", out var offered) && Matches(offered.ToString(), token))
            {
                // Trade the token in the URL for a cookie, and drop it from the address bar and the history.
                context.Response.Cookies.Append(CookieName, token, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = "/",
                });
                context.Response.Redirect(context.Request.PathBase + context.Request.Path);
                return;
            }

            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "This console needs its access token: open the URL printed when the server started (…/?token=…), or read the token from its file.");
            return;
        }

        if (context.WebSockets.IsWebSocketRequest && origin.Length == 0)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "WebSocket refused: the page is not from this console's origin.");
            return;
        }

        await next(context);
    }

    private bool IsAllowedOrigin(HttpContext context, string origin)
    {
        // The Host was checked above, so "the console's own origin" is one of the known names.
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || options.AllowedOrigins.Any(o => string.Equals(origin, o.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    private static bool HasToken(HttpContext context, string token)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie, token))
        {
            return true;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal) && Matches(authorization["Bearer ".Length..], token);
    }

    private static bool Matches(string? offered, string token)
        => offered is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(token));

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }

    /// <summary>A fresh random token, safe in a URL.</summary>
    public static string NewToken()
        => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
