using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

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
    }
}
