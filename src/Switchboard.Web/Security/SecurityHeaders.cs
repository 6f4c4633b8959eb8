using Microsoft.AspNetCore.Http;

namespace Switchboard.Web.Security;

/// <summary>
/// Headers that make the pages safe even if a bug let user text reach the DOM as markup: scripts only from this
/// console (no inline script, no eval), no framing by other sites, no sniffing.
/// </summary>
internal static class SecurityHeaders
{
    public static void Apply(HttpContext context)
    {
        var host = context.Request.Host.ToString();
        var headers = context.Response.Headers;
        // 'self' does not cover ws:// in every browser, so the WebSocket origin is named explicitly.
        headers.ContentSecurityPolicy = $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://{host} wss://{host}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
