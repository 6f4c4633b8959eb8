using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>What serve needs to run as a service: probes, metrics, and systemd's notify protocol.</summary>
internal static class ServeOperations
{
    public static void Add(WebApplicationBuilder builder)
    {
        // The library's meters (Switchboard.Net: connections, bytes, refusals, drops; Switchboard.Chat: users,
        // messages, commits), as Prometheus text at /metrics; dotnet-counters reads the same meters live.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Switchboard.Net.NetMeter.Name, Switchboard.Chat.ChatMeter.Name)
            .AddPrometheusExporter());
        builder.Services.AddSingleton<IStartupFilter, ServeHealth>();
        // Under systemd only (it checks): Type=notify readiness, and journald-friendly console lines.
        builder.Host.UseSystemd();
        // A format asked for explicitly (Logging:Console:FormatterName=json) wins over the one UseSystemd picks.
        if (builder.Configuration[ConsoleLogging.FormatterKey] is { Length: > 0 } formatter)
        {
            builder.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName = formatter.Trim().ToLowerInvariant());
        }
    }
}
