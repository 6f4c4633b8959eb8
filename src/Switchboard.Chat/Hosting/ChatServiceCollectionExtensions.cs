using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Chat;

/// <summary>Puts the chat server into a host (Generic Host or WebApplication).</summary>
public static class ChatServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ChatServer"/> as a singleton (inject it to reach the console API) and a hosted service
    /// that starts it with the host and stops it gracefully on SIGTERM/Ctrl-C. Options come from
    /// <c>IOptions&lt;ChatServerOptions&gt;</c>: bind them, e.g. <c>services.Configure&lt;ChatServerOptions&gt;(config.GetSection("Chat"))</c>.
    /// </summary>
    public static IServiceCollection AddSwitchboardChat(this IServiceCollection services)
    {
        services.AddOptions<ChatServerOptions>();
        services.AddSingleton(sp => new ChatServer(sp.GetRequiredService<IOptions<ChatServerOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<ChatHostedService>();
        return services;
    }
}

/// <summary>Starts the chat server with the host and stops it gracefully with the host.</summary>
internal sealed class ChatHostedService(ChatServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
}
