using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Runtime.InteropServices;
using Switchboard.Chat;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// Hosts the chat server in a WebApplication, so a web console can later map its endpoints on the same host
/// (<see cref="CreateBuilder"/>, then map, then run). Until an HTTP URL is configured (Http:Urls, or
/// SWITCHBOARD_Http__Urls) no HTTP port is opened at all.
/// </summary>
internal static class ServeHost
{
    public static int Run(Action<ChatServerOptions> overrides, Action<WebApplicationBuilder>? configure = null, string? configFile = null)
    {
        WebApplication app;
        try
        {
            var builder = CreateBuilder(overrides, configure, configFile);
            // Every setting is checked before the host exists: nothing is bound, opened or created while one is wrong.
            var problems = ServeSettingsCheck.Check(builder.Configuration, overrides);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine($"switchboard serve: {problem}");
                }

                return ExitCodes.Usage;
            }

            app = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException or FileNotFoundException)
        {
            Console.Error.WriteLine($"switchboard serve: {ex.Message}");
            return ExitCodes.Usage;
        }

        return RunAsync(app, overrides).GetAwaiter().GetResult();
    }

    public static WebApplicationBuilder CreateBuilder(Action<ChatServerOptions> overrides, Action<WebApplicationBuilder>? configure = null, string? configFile = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        ServeConfigFiles.Add(builder.Configuration, configFile);
        // The builder already reads appsettings.json from the current directory; SWITCHBOARD_* variables come last,
        // so they override it (SWITCHBOARD_Chat__Port=9000 sets Chat:Port).
        builder.Configuration.AddEnvironmentVariables("SWITCHBOARD_");

        // The console is the Qt server window: one line per event on stderr, with the "listening on" lines, as in
        // every other command (stdout is for data, and serve has none).
        builder.Logging.ClearProviders();
        ConsoleLogging.Configure(builder.Logging, builder.Configuration[ConsoleLogging.FormatterKey]);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // A failed start is reported once, briefly, by Run; the host would add a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);

        builder.Services.Configure<ChatServerOptions>(builder.Configuration.GetSection("Chat"));
        builder.Services.PostConfigure<ChatServerOptions>(options =>
        {
            // The documented short name for the secret: SWITCHBOARD_OPER_SECRET.
            options.OperatorSecret ??= builder.Configuration["OPER_SECRET"];
            overrides(options);
        });
        builder.Services.AddSwitchboardChat();
        // Health, metrics and systemd; before the web console, so the probes sit outside its token gate.
        ServeOperations.Add(builder);
        configure?.Invoke(builder);

        if (string.IsNullOrEmpty(builder.Configuration["Http:Urls"]))
        {
            // No HTTP endpoint is wanted yet: replace Kestrel's HTTP server, which would otherwise take port 5000.
            builder.Services.AddSingleton<IServer, NoHttpServer>();
        }
        else
        {
            builder.WebHost.UseUrls(builder.Configuration["Http:Urls"]!);
        }

        return builder;
    }

    private static async Task<int> RunAsync(WebApplication app, Action<ChatServerOptions> overrides)
    {
        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or System.Data.Common.DbException)
            {
                Console.Error.WriteLine($"switchboard serve: {ex.Message}");
                return ex.Message.Contains("already in use", StringComparison.Ordinal) ? ExitCodes.AddressInUse : ExitCodes.Failure;
            }

            var server = app.Services.GetRequiredService<ChatServer>();
            foreach (var listener in server.Listeners)
            {
                Console.Error.WriteLine($"chat listening on {listener.Transport.ToString().ToLowerInvariant()} {listener.EndPoint}");
            }

            // SIGHUP asks a daemon to re-read its files; its default action would end serve (exit 129).
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                ServeReload.OnHangup(server, app.Logger, (IConfigurationRoot)app.Configuration, overrides);
            });
            await app.WaitForShutdownAsync();
            return ExitCodes.Stopped;
        }
    }

    /// <summary>An IServer that serves nothing, for a host that runs only the chat listeners.</summary>
    private sealed class NoHttpServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
