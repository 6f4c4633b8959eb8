using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Web.Assets;
using Switchboard.Web.Chat;
using Switchboard.Web.Client;
using Switchboard.Web.Live;
using Switchboard.Web.Security;
using Switchboard.Web.Server;

namespace Switchboard.Web;

/// <summary>Mounts the web console (pages, assets, WebSockets) on a <see cref="WebApplication"/>.</summary>
public static class ConsoleEndpoints
{
    /// <summary>The environment variable that may carry the access token (besides configuration <c>Web:Token</c>).</summary>
    public const string TokenVariable = "SWITCHBOARD_WEB_TOKEN";

    /// <summary>
    /// Serves the server page at <c>/</c>, the client page at <c>/client</c> (unless turned off) and the chat page
    /// at <c>/chat</c>, with their WebSockets under <c>/ws/</c>. Call before the application starts. The token is
    /// taken from <see cref="ConsoleOptions.Token"/>, configuration <c>Web:Token</c> or <see cref="TokenVariable"/>;
    /// bound beyond loopback without one, a token is generated. Read it back from the returned value.
    /// </summary>
    public static ConsoleMount MapSwitchboardConsole(this WebApplication app, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var token = ResolveToken(options, app.Configuration);
        var mount = new ConsoleMount(options, token);
        var assets = EmbeddedAssets.Load();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Web");

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        var gate = new ConsoleGate(options, token);
        app.Use((context, next) => gate.InvokeAsync(context, next));

        MapPage(app, "/", "index.html", assets);
        MapPage(app, "/chat", "chat.html", assets);
        if (options.EnableClientPage)
        {
            MapPage(app, "/client", "client.html", assets);
        }

        app.MapMethods("/assets/{**path}", ["GET", "HEAD"], (HttpContext context, string path) => assets.ServeAsync(context, "assets/" + path));

        var stopping = app.Lifetime.ApplicationStopping;
        app.Map("/ws/server", context => AcceptAsync(context, stopping, (peer, ct) => new ServerPageSession(peer, options).RunAsync(ct)));
        app.Map("/ws/chat", context => options.Server is { } server
            ? AcceptAsync(context, stopping, (peer, ct) => new ChatPageSession(peer, server, options).RunAsync(ct))
            : NotFoundAsync(context));
        if (options.EnableClientPage)
        {
            app.Map("/ws/client", context => AcceptAsync(context, stopping, (peer, ct) => new ClientPageSession(peer).RunAsync(ct)));
        }

        app.Lifetime.ApplicationStarted.Register(() => ConsoleLog.Started(logger, string.Join(", ", mount.Urls(app.Urls))));
        return mount;
    }

    private static void MapPage(WebApplication app, string route, string file, EmbeddedAssets assets)
        => app.MapMethods(route, ["GET", "HEAD"], (HttpContext context) => assets.ServeAsync(context, file));

    private static async Task AcceptAsync(HttpContext context, CancellationToken stopping, Func<WebSocketPeer, CancellationToken, Task> run)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var peer = new WebSocketPeer(socket);
        // A WebSocket request never ends by itself: without the host's stopping token it would hold shutdown up.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await run(peer, session.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The page closed or the server is stopping: both end the session normally.
        }
        finally
        {
            await peer.CloseQuietlyAsync();
        }
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    internal static string? ResolveToken(ConsoleOptions options, IConfiguration configuration)
    {
        var token = options.Token;
        if (string.IsNullOrEmpty(token))
        {
            token = configuration["Web:Token"];
        }

        if (string.IsNullOrEmpty(token))
        {
            token = Environment.GetEnvironmentVariable(TokenVariable);
        }

        if (string.IsNullOrEmpty(token))
        {
            // Loopback needs none; anything wider gets a fresh one, printed at start-up.
            return options.IsLoopback ? null : ConsoleGate.NewToken();
        }

        return token;
    }
}
