using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Chat;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// On SIGHUP: the settings files and SWITCHBOARD_* variables are read again, checked as at start, and the settings
/// the server reads as it goes are applied. A file with a mistake is logged and changes nothing.
/// </summary>
internal static class ServeSettingsReload
{
    // Read by the server each time it needs them: the new values apply from the next connection, line or command.
    private static readonly Setting[] s_reloadable =
    [
        new(nameof(ChatServerOptions.IdleTimeout), o => o.IdleTimeout, (o, v) => o.IdleTimeout = (TimeSpan)v!),
        new(nameof(ChatServerOptions.RateLimitPerSecond), o => o.RateLimitPerSecond, (o, v) => o.RateLimitPerSecond = (double)v!),
        new(nameof(ChatServerOptions.RateLimitBurst), o => o.RateLimitBurst, (o, v) => o.RateLimitBurst = (int)v!),
        new(nameof(ChatServerOptions.FloodDisconnectAfter), o => o.FloodDisconnectAfter, (o, v) => o.FloodDisconnectAfter = (int)v!),
        new(nameof(ChatServerOptions.MaxInvalidLines), o => o.MaxInvalidLines, (o, v) => o.MaxInvalidLines = (int)v!),
        new(nameof(ChatServerOptions.MaxConnectionsPerAddress), o => o.MaxConnectionsPerAddress, (o, v) => o.MaxConnectionsPerAddress = (int)v!),
        new(nameof(ChatServerOptions.ReplyTimeout), o => o.ReplyTimeout, (o, v) => o.ReplyTimeout = (TimeSpan)v!),
        new(nameof(ChatServerOptions.LineTimeout), o => o.LineTimeout, (o, v) => o.LineTimeout = (TimeSpan)v!),
        new(nameof(ChatServerOptions.JoinReplayCount), o => o.JoinReplayCount, (o, v) => o.JoinReplayCount = (int)v!),
        new(nameof(ChatServerOptions.MaxHistory), o => o.MaxHistory, (o, v) => o.MaxHistory = (int)v!),
        new(nameof(ChatServerOptions.StorageQuotaPerNick), o => o.StorageQuotaPerNick, (o, v) => o.StorageQuotaPerNick = (int)v!),
        new(nameof(ChatServerOptions.StorageQuotaPerAddress), o => o.StorageQuotaPerAddress, (o, v) => o.StorageQuotaPerAddress = (int)v!),
    ];

    // Bound into listeners, the store or the rooms at start: a change is reported, and waits for a restart.
    private static readonly Setting[] s_atStart =
    [
        new(nameof(ChatServerOptions.Host), o => o.Host, null),
        new(nameof(ChatServerOptions.Port), o => o.Port, null),
        new(nameof(ChatServerOptions.TlsPort), o => o.TlsPort, null),
        new(nameof(ChatServerOptions.UnixSocketPath), o => o.UnixSocketPath, null),
        new(nameof(ChatServerOptions.DataDirectory), o => o.DataDirectory, null),
        new(nameof(ChatServerOptions.MaxConnections), o => o.MaxConnections, null),
        new(nameof(ChatServerOptions.MaxLineLength), o => o.MaxLineLength, null),
        new(nameof(ChatServerOptions.MaxOutboundBufferSize), o => o.MaxOutboundBufferSize, null),
        new(nameof(ChatServerOptions.SoftLimit), o => o.SoftLimit, null),
        new(nameof(ChatServerOptions.SoftLimitTime), o => o.SoftLimitTime, null),
        new(nameof(ChatServerOptions.HardLimit), o => o.HardLimit, null),
        new(nameof(ChatServerOptions.MaxRooms), o => o.MaxRooms, null),
        new(nameof(ChatServerOptions.Durability), o => o.Durability, null),
    ];

    /// <summary>The names of the reloadable settings, for the docs and the log.</summary>
    public static IEnumerable<string> Reloadable => s_reloadable.Select(s => $"Chat:{s.Name}");

    public static void Reload(ChatServer server, ILogger logger, IConfigurationRoot configuration, Action<ChatServerOptions> overrides)
    {
        // Log levels (Logging:LogLevel:*) follow the configuration's reload by themselves.
        configuration.Reload();
        var problems = ServeSettingsCheck.Check(configuration, overrides, out var fresh);
        if (problems.Count > 0)
        {
            logger.LogError("SIGHUP received: the settings were not reloaded, nothing changed: {Problems}", string.Join("; ", problems));
            return;
        }

        var changed = new List<string>();
        foreach (var setting in s_reloadable)
        {
            var (before, after) = (setting.Get(server.Options), setting.Get(fresh));
            if (!Equals(before, after))
            {
                setting.Set!(server.Options, after);
                changed.Add($"Chat:{setting.Name} {Show(before)} -> {Show(after)}");
            }
        }

        var waiting = s_atStart.Where(s => !Equals(s.Get(server.Options), s.Get(fresh))).Select(s => $"Chat:{s.Name}").ToList();
        logger.LogInformation("SIGHUP received: settings reloaded; {Changed}", changed.Count == 0 ? "no reloadable setting changed" : string.Join(", ", changed));
        if (waiting.Count > 0)
        {
            logger.LogWarning("SIGHUP received: {Settings} changed but take effect at the next start only", string.Join(", ", waiting));
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "(none)",
        TimeSpan t => $"{t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private sealed record Setting(string Name, Func<ChatServerOptions, object?> Get, Action<ChatServerOptions, object?>? Set);
}
