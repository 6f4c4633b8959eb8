using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// Logs to stderr, one line per event with the date and time (a log kept for days must say which day), so stdout
/// stays data only. Every command that logs, serve included, formats its lines here. <c>Logging:Console:FormatterName</c>
/// picks the format: <c>simple</c> (the default), <c>json</c> (one JSON object per line, for log shippers) or
/// <c>systemd</c> (journald's priority prefixes; serve picks it by itself under systemd).
/// </summary>
internal static class ConsoleLogging
{
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss ";

    /// <summary>The configuration key of the format, and the environment variable that sets it for every command.</summary>
    public const string FormatterKey = "Logging:Console:FormatterName";

    public const string FormatterVariable = "SWITCHBOARD_Logging__Console__FormatterName";

    public static readonly IReadOnlyList<string> Formatters = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

    /// <summary>For commands without a configuration (listen): the format comes from the environment variable.</summary>
    public static ILoggerFactory Create(LogLevel level = LogLevel.Information) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(level);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        Configure(builder, Environment.GetEnvironmentVariable(FormatterVariable));
    });

    /// <summary>Whether <paramref name="formatter"/> (as configured; null or empty for the default) is one we know.</summary>
    public static bool IsKnown(string? formatter)
        => string.IsNullOrWhiteSpace(formatter) || Formatters.Contains(formatter.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>One line per event on stderr, in the format asked for; colours only on a terminal without NO_COLOR.</summary>
    public static void Configure(ILoggingBuilder builder, string? formatter)
    {
        switch (formatter?.Trim().ToLowerInvariant())
        {
            case ConsoleFormatterNames.Json:
                builder.AddJsonConsole(o =>
                {
                    // ISO 8601 in UTC: what log shippers parse without being told the zone.
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                    o.UseUtcTimestamp = true;
                    o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
                });
                break;
            case ConsoleFormatterNames.Systemd:
                builder.AddSystemdConsole(o => o.TimestampFormat = TimestampFormat);
                break;
            default:
                builder.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = TimestampFormat;
                    o.ColorBehavior = Colors.Enabled(Console.IsErrorRedirected) ? LoggerColorBehavior.Enabled : LoggerColorBehavior.Disabled;
                });
                break;
        }

        builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}

/// <summary>The one rule for ANSI colour: only on a terminal, and never when NO_COLOR is set (no-color.org).</summary>
internal static class Colors
{
    public static bool Enabled(bool redirected) => !redirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
