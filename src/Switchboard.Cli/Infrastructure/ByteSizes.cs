using System.CommandLine.Parsing;
using System.Globalization;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// The one byte-size syntax of the CLI: a number of bytes, or with a unit: 512KiB, 8MiB, 1GiB (K, M, G, KB, MB
/// and GB are read as the same powers of 1024, as buffer sizes are meant).
/// </summary>
internal static class ByteSizes
{
    public const string Examples = "examples: 65536, 512KiB, 8MiB";

    public static bool TryParse(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim().ToLowerInvariant().Replace("_", "", StringComparison.Ordinal);
        var units = new (string Suffix, long Factor)[] { ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("kb", 1L << 10), ("mb", 1L << 20), ("gb", 1L << 30), ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("b", 1) };
        var factor = 1L;
        foreach (var (suffix, f) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                text = text[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || double.IsNaN(amount) || amount * factor > long.MaxValue / 2)
        {
            return false;
        }

        value = (long)(amount * factor);
        return true;
    }

    /// <summary>The shortest exact way to write a size back (8MiB, 1536KiB, 1000).</summary>
    public static string Format(long value) =>
        value != 0 && value % (1L << 30) == 0 ? $"{value >> 30}GiB"
        : value != 0 && value % (1L << 20) == 0 ? $"{value >> 20}MiB"
        : value != 0 && value % (1L << 10) == 0 ? $"{value >> 10}KiB"
        : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an option's value within a range; a bad value is reported in the user's words.</summary>
    public static int Parse(ArgumentResult result, int min, int max, int fallback)
    {
        if (result.Tokens.Count == 0)
        {
            return fallback;
        }

        var token = result.Tokens[0].Value;
        if (!TryParse(token, out var value))
        {
            result.AddError($"{CliValues.NameOf(result)}: '{token}' is not a size ({Examples})");
            return fallback;
        }

        if (value < min || value > max)
        {
            result.AddError($"{CliValues.NameOf(result)} must be from {Format(min)} to {Format(max)}, not {token}");
            return fallback;
        }

        return (int)value;
    }
}
