using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Web.Tests.Browser;

/// <summary>
/// The console mounted with <see cref="ConsoleEndpoints.MapSwitchboardConsole"/> on an application that listens on
/// 127.0.0.1:0, whatever <see cref="ConsoleOptions.Host"/> says: the rules of a console bound to 0.0.0.0 can be
/// tested without opening a port beyond loopback (tests use loopback only).
/// </summary>
internal sealed class MountedConsole : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MountedConsole(WebApplication app, ConsoleMount mount, string baseUrl)
    {
        _app = app;
        Mount = mount;
        BaseUrl = baseUrl;
    }

    public ConsoleMount Mount { get; }

    public string BaseUrl { get; }

    public static async Task<MountedConsole> StartAsync(ConsoleOptions options, LogCapture? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logs?.AddTo(builder.Logging);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var mount = app.MapSwitchboardConsole(options);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MountedConsole(app, mount, address.TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
