using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Web;

/// <summary>
/// The console on a web host of its own, for a program that has no <see cref="WebApplication"/> yet (and for
/// tests, on port 0). Disposing it stops the host.
/// </summary>
public sealed class WebConsoleHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebConsoleHost(WebApplication app, ConsoleMount mount, IReadOnlyList<string> urls)
    {
        _app = app;
        Mount = mount;
        BaseUrls = urls;
    }

    /// <summary>The console as mounted (token, options).</summary>
    public ConsoleMount Mount { get; }

    /// <summary>The addresses the host is listening on, with the real port.</summary>
    public IReadOnlyList<string> BaseUrls { get; }

    /// <summary>The first address, with the token when one is needed: the one to print and open.</summary>
    public string Url => Mount.Urls(BaseUrls).First();

    /// <summary>Binds <see cref="ConsoleOptions.Host"/>:<see cref="ConsoleOptions.Port"/> and serves the console.</summary>
    /// <param name="options">What to serve and where.</param>
    /// <param name="configureLogging">Logging of the host; none when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<WebConsoleHost> StartAsync(ConsoleOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.Listen(IPAddress.Loopback, options.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(options.Host.Trim('[', ']')), options.Port);
            }
        });
        var app = builder.Build();
        var mount = app.MapSwitchboardConsole(options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        return new WebConsoleHost(app, mount, addresses);
    }

    /// <summary>Stops the host: open pages are disconnected.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
