using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Web.Security;

/// <summary>
/// Who may use the console. On loopback with no token, anyone on this machine, but only under a loopback Host
/// name: a page from another site that re-points its own name at 127.0.0.1 (DNS rebinding) is turned away. Beyond
/// loopback, every request carries the token (query once, then an HttpOnly SameSite=Strict cookie). WebSocket
/// upgrades must come from the console's own origin either way, so another site's page cannot drive it.
/// </summary>
internal sealed class ConsoleGate(ConsoleOptions options, string? token)
{
    internal const string CookieName = "switchboard_console";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (token is null)
        {
            if (!ConsoleOptions.IsLoopbackHost(context.Request.Host.Host))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "The console answers only to a loopback host name (127.0.0.1, [::1] or localhost).");
                return;
            }
        }
        else if (!HasToken(context, token))
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

            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "This console needs its access token: open the URL printed when the server started (…/?token=…).");
            return;
        }

        if (context.WebSockets.IsWebSocketRequest && !IsAllowedOrigin(context))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "WebSocket refused: the page is not from this console's origin.");
            return;
        }

        await next(context);
    }

    private bool IsAllowedOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

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
