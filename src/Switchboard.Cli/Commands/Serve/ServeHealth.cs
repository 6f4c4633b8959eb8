using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Chat;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// <c>/metrics</c> (Prometheus text), <c>/healthz</c> (the process answers) and <c>/readyz</c> (a chat listener accepts, the store file is writable)
/// on serve's web host, for service managers and load balancers. Registered before the web console, so they sit
/// outside its token gate: probes carry no token, and the answers reveal nothing but up or down.
/// </summary>
internal sealed class ServeHealth : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint();
        app.Use(async (context, nextMiddleware) =>
        {
            var path = context.Request.Path;
            if (path == "/healthz")
            {
                await Answer(context, StatusCodes.Status200OK, "ok");
            }
            else if (path == "/readyz")
            {
                var problem = NotReady(context.RequestServices.GetRequiredService<ChatServer>());
                await Answer(context, problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, problem ?? "ready");
            }
            else
            {
                await nextMiddleware(context);
            }
        });
        next(app);
    };

    /// <summary>Why serve is not ready, or null when it is.</summary>
    internal static string? NotReady(ChatServer server)
    {
        if (!server.Listeners.Any(l => l.State == ListenerState.Listening))
        {
            return "not ready: no chat listener is accepting connections";
        }

        var store = server.StoreStats.DatabasePath;
        if (File.Exists(store))
        {
            try
            {
                // Opening for writing proves the file is writable without changing it.
                using var probe = new FileStream(store, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"not ready: the store {store} is not writable ({ex.Message})";
            }
        }

        return null;
    }

    private static Task Answer(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(text + "\n");
    }
}
