using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// Logs to stderr, one line per event with the date and time (a log kept for days must say which day), so stdout
/// stays data only. Every command that logs, serve included, formats its lines here.
/// </summary>
internal static class ConsoleLogging
{
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss ";

    public static ILoggerFactory Create(LogLevel level = LogLevel.Information) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(level);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        Configure(builder);
    });

    /// <summary>The simple one-line console format on stderr; colours only on a terminal without NO_COLOR.</summary>
    public static void Configure(ILoggingBuilder builder)
    {
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = TimestampFormat;
            o.ColorBehavior = Colors.Enabled(Console.IsErrorRedirected) ? LoggerColorBehavior.Enabled : LoggerColorBehavior.Disabled;
        });
        builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}

/// <summary>The one rule for ANSI colour: only on a terminal, and never when NO_COLOR is set (no-color.org).</summary>
internal static class Colors
{
    public static bool Enabled(bool redirected) => !redirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
