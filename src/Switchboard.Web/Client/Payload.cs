using System.Globalization;
using System.Text;

namespace Switchboard.Web.Client;

/// <summary>Turns what the client page's send box holds into bytes: UTF-8 text with a line ending, or hex.</summary>
internal static class Payload
{
    /// <summary>Text plus "none", "lf" or "crlf".</summary>
    public static byte[] FromText(string text, string? ending)
    {
        var suffix = ending?.ToLowerInvariant() switch
        {
            null or "" or "none" => "",
            "lf" => "\n",
            "crlf" => "\r\n",
            _ => throw new FormatException($"unknown line ending '{ending}' (none, lf or crlf)"),
        };
        return Encoding.UTF8.GetBytes(text + suffix);
    }

    /// <summary>
    /// Hex digits in pairs, with any spaces, colons, dashes or commas between bytes, and an optional 0x before each,
    /// so both "48 65 6c" and "0x48,0x65" work. Throws <see cref="FormatException"/> naming the first bad spot.
    /// </summary>
    public static byte[] FromHex(string hex)
    {
        var bytes = new List<byte>(hex.Length / 2);
        var i = 0;
        while (i < hex.Length)
        {
            var c = hex[i];
            if (char.IsWhiteSpace(c) || c is ':' or '-' or ',')
            {
                i++;
                continue;
            }

            if (c == '0' && i + 1 < hex.Length && hex[i + 1] is 'x' or 'X')
            {
                i += 2;
                continue;
            }

            if (i + 1 >= hex.Length || !byte.TryParse(hex.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"not hex at position {i + 1}: expected two hex digits per byte");
            }

            bytes.Add(value);
            i += 2;
        }

        return [.. bytes];
    }
}
