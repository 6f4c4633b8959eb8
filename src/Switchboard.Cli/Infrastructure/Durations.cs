using System.Globalization;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// The one duration syntax of the CLI, read the same in flags, appsettings.json and SWITCHBOARD_* variables:
/// 500ms, 3s, 2m, 1h, a bare number of seconds, or .NET's hh:mm:ss (as older appsettings files write it).
/// </summary>
internal static class Durations
{
    public const string Examples = "examples: 30s, 500ms, 5m, 1h";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim().ToLowerInvariant();
        if (text.Contains(':'))
        {
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            || amount < 0 || double.IsNaN(amount) || amount * unit > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * unit);
        return true;
    }

    /// <summary>The shortest way to write a duration back in this syntax (for messages and canonical config values).</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
        : value.TotalSeconds % 60 != 0 || value == TimeSpan.Zero ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : value.TotalMinutes % 60 != 0 ? $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
        : $"{value.TotalHours.ToString(CultureInfo.InvariantCulture)}h";

    public static TimeSpan Parse(System.CommandLine.Parsing.ArgumentResult result, TimeSpan fallback)
    {
        if (result.Tokens.Count == 0)
        {
            return fallback;
        }

        var token = result.Tokens[0].Value;
        if (TryParse(token, out var value))
        {
            return value;
        }

        result.AddError($"{CliValues.NameOf(result)}: '{token}' is not a duration ({Examples})");
        return fallback;
    }
}
