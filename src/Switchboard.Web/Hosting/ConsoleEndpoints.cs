using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Web.Assets;
using Switchboard.Web.Chat;
using Switchboard.Web.Client;
using Switchboard.Web.Live;
using Switchboard.Web.Security;
using Switchboard.Web.Server;

namespace Switchboard.Web;

/// <summary>Mounts the web console (pages, assets, WebSockets) on an ASP.NET Core host.</summary>
public static class ConsoleEndpoints
{
    /// <summary>The environment variable that may carry the access token (besides configuration <c>Web:Token</c>).</summary>
    public const string TokenVariable = "SWITCHBOARD_WEB_TOKEN";

    /// <summary>
    /// Serves the server page at <c>/</c>, the client page at <c>/client</c> (unless turned off) and the chat page
    /// at <c>/chat</c>, with their WebSockets under <c>/ws/</c>. Call before the application starts. The token is
    /// taken from <see cref="ConsoleOptions.Token"/>, configuration <c>Web:Token</c> or <see cref="TokenVariable"/>;
    /// without one, a token is generated (unless turned off on loopback). Read it back from the returned value.
    /// </summary>
    public static ConsoleMount MapSwitchboardConsole(this WebApplication app, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Mount(app, options);
    }

    /// <summary>
    /// Mounts the console on a host that is built elsewhere (such as <c>switchboard serve</c>): the options are
    /// made once the services exist, so they can take the chat server from them.
    /// </summary>
    public static IServiceCollection AddSwitchboardConsole(this IServiceCollection services, Func<IServiceProvider, ConsoleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new ConsoleStartupFilter(options));
    }

    /// <summary>Puts the console's middleware and endpoints on <paramref name="app"/>; requests it does not serve go on.</summary>
    internal static ConsoleMount Mount(IApplicationBuilder app, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = app.ApplicationServices;
        var token = ResolveToken(options, services.GetRequiredService<IConfiguration>(), out var generated);
        var mount = new ConsoleMount(options, token);
        var targets = TargetPolicy.Create(options);
        var assets = EmbeddedAssets.Load();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Web");
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        if (generated && options.TokenFile is { } tokenFile)
        {
            TokenFile.Write(tokenFile, token!);
            mount.TokenFile = tokenFile;
            lifetime.ApplicationStopping.Register(() => TokenFile.Remove(tokenFile, token!));
        }

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        var gate = new ConsoleGate(options, token);
        app.Use((context, next) => gate.InvokeAsync(context, next));
        app.UseRouting();
        app.UseEndpoints(endpoints => MapEndpoints(endpoints, options, targets, assets, logger, lifetime.ApplicationStopping));

        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var urls = addresses.Select(u => u.TrimEnd('/') + "/").ToArray();
            if (urls.Length == 0)
            {
                // The host did not bind (serve turns the console off when its default port is taken).
                return;
            }

            // Never the token: this line goes wherever the logs go (journald, files), readable by others.
            ConsoleLog.Started(logger, string.Join(", ", urls), token is not null);
            options.Started?.Invoke(mount, urls);
        });
        return mount;
    }

    private static void MapEndpoints(IEndpointRouteBuilder endpoints, ConsoleOptions options, TargetPolicy targets, EmbeddedAssets assets, ILogger logger, CancellationToken stopping)
    {
        MapPage(endpoints, "/", "index.html", assets);
        MapPage(endpoints, "/chat", "chat.html", assets);
        if (options.EnableClientPage)
        {
            MapPage(endpoints, "/client", "client.html", assets);
        }

        endpoints.MapMethods("/assets/{**path}", ["GET", "HEAD"], (HttpContext context, string path) => assets.ServeAsync(context, "assets/" + path));
        endpoints.Map("/ws/server", context => AcceptAsync(context, stopping, (peer, ct) => new ServerPageSession(peer, options).RunAsync(ct)));
        endpoints.Map("/ws/chat", context => options.Server is { } server
            ? AcceptAsync(context, stopping, (peer, ct) => new ChatPageSession(peer, server, options, context.Connection.RemoteIpAddress, Describe(context)).RunAsync(ct))
            : NotFoundAsync(context));
        if (options.EnableClientPage)
        {
            endpoints.Map("/ws/client", context => AcceptAsync(context, stopping, (peer, ct) => new ClientPageSession(peer, targets, options.ClientConnectTimeout, logger, Describe(context)).RunAsync(ct)));
        }
    }

    private static void MapPage(IEndpointRouteBuilder endpoints, string route, string file, EmbeddedAssets assets)
        => endpoints.MapMethods(route, ["GET", "HEAD"], (HttpContext context) => assets.ServeAsync(context, file));

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

    private static string Describe(HttpContext context)
        => $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    internal static string? ResolveToken(ConsoleOptions options, IConfiguration configuration)
        => ResolveToken(options, configuration, out _);

    /// <summary>The token in force, and whether it was generated here (then nobody else knows it yet).</summary>
    internal static string? ResolveToken(ConsoleOptions options, IConfiguration configuration, out bool generated)
    {
        options.Validate();
        generated = false;
        var token = options.Token;
        if (string.IsNullOrEmpty(token))
        {
            token = configuration["Web:Token"];
        }

        if (string.IsNullOrEmpty(token))
        {
            token = Environment.GetEnvironmentVariable(TokenVariable);
        }

        if (!string.IsNullOrEmpty(token))
        {
            return token;
        }

        if (!options.RequiresToken)
        {
            // The explicit opt-out for a single-user machine.
            return null;
        }

        generated = true;
        return ConsoleGate.NewToken();
    }

    private sealed class ConsoleStartupFilter(Func<IServiceProvider, ConsoleOptions> options) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            Mount(app, options(app.ApplicationServices));
            next(app);
        };
    }
}
