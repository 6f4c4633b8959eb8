using System.Text;

namespace Switchboard.Fuzz.Engine;

/// <summary>Random text that covers what parsers meet: ASCII, accents, CJK, emoji (surrogate pairs), controls, lone surrogates.</summary>
internal static class Text
{
    private static readonly string[] s_pieces =
    [
        "a", "Z", "0", " ", "/", "//", "#", "=", "-", "\t", "\r", "\u00e9", "\u00df", "\u4e2d", "\U0001F600", "\u202E", "\u200B",
        "\uFEFF", "\u2028", "\u001B[2K", "\u0007", "\u0000", "\"", "\\", "{", "}", "[", "]", ":", ",", "since=", "0x", "ff",
        "\u0130", "\u0131", "\uFFFD", "aIice", "\u0430",
    ];

    /// <summary>Well-formed UTF-16 (no lone surrogates) of about <paramref name="max"/> characters at most.</summary>
    public static string Valid(Rng rng, int max)
    {
        var builder = new StringBuilder();
        var target = rng.Below(max + 1);
        while (builder.Length < target)
        {
            if (rng.Chance(50))
            {
                builder.Append((char)rng.Between(0x20, 0x7E));
            }
            else
            {
                builder.Append(rng.Pick(s_pieces));
            }
        }

        return builder.ToString();
    }

    /// <summary>Any UTF-16 code units, lone surrogates included, as a hostile peer may send in a QString.</summary>
    public static string AnyUnits(Rng rng, int max)
    {
        var chars = new char[rng.Below(max + 1)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = rng.Chance(70) ? (char)rng.Between(0x20, 0x7E) : (char)rng.Next();
        }

        return new string(chars);
    }
}
