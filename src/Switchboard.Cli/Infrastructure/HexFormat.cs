using System.Globalization;
using System.Text;

namespace Switchboard.Cli.Infrastructure;

/// <summary>Hex dumps for --hex output, and hex text parsing for --hex input.</summary>
internal static class HexFormat
{
    /// <summary>Formats bytes as lines of 16: offset, hex bytes, printable ASCII.</summary>
    public static string Dump(ReadOnlySpan<byte> data, long startOffset = 0)
    {
        var builder = new StringBuilder();
        for (var line = 0; line < data.Length; line += 16)
        {
            var chunk = data.Slice(line, Math.Min(16, data.Length - line));
            builder.Append((startOffset + line).ToString("x8", CultureInfo.InvariantCulture)).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                builder.Append(i < chunk.Length ? chunk[i].ToString("x2", CultureInfo.InvariantCulture) : "  ");
                builder.Append(i == 7 ? "  " : " ");
            }

            builder.Append(" |");
            foreach (var b in chunk)
            {
                builder.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            }

            builder.Append("|\n");
        }

        return builder.ToString();
    }

    /// <summary>Parses hex digits, ignoring whitespace, colons and an optional 0x prefix per group.</summary>
    public static bool TryParse(string text, out byte[] bytes, out string? error)
    {
        var digits = new StringBuilder(text.Length);
        foreach (var group in text.Split([' ', '\t', '\r', '\n', ':', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            digits.Append(group.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? group[2..] : group);
        }

        bytes = [];
        if (digits.Length % 2 != 0)
        {
            error = "odd number of hex digits";
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(digits.ToString());
            error = null;
            return true;
        }
        catch (FormatException)
        {
            error = "not hex: use digits 0-9 and a-f";
            return false;
        }
    }
}
