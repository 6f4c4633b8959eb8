using System.Text;

namespace Switchboard.Chat.Protocol;

/// <summary>
/// Keeps control characters out of relayed text, so no client can drive another's terminal, and the invisible
/// characters that make text read other than it is (bidi embeddings, overrides and isolates, as in "Trojan Source";
/// zero-width space; byte-order mark; Unicode line and paragraph separators), so no client can disguise a line.
/// The command-line tools apply the same set again on display (Switchboard.Cli's TerminalText): a client cannot
/// trust the server it talks to.
/// </summary>
internal static class TextSanitizer
{
    /// <summary>True when the line holds a NUL, which is rejected rather than cleaned: it is never text.</summary>
    public static bool ContainsNul(ReadOnlySpan<char> text) => text.Contains('\0');

    /// <summary>
    /// Replaces C0/C1 control characters (ESC, BEL, backspace...) other than TAB with U+FFFD, TAB and the Unicode
    /// line and paragraph separators (U+2028, U+2029) with a space, and drops the invisible formatting characters:
    /// U+202A-U+202E, U+2066-U+2069, U+061C, U+200B and U+FEFF. Returns the same string when there is nothing to do.
    /// </summary>
    public static string Clean(string text)
    {
        var i = IndexOfUnsafe(text);
        if (i < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\t' or '\u2028' or '\u2029')
            {
                builder.Append(' ');
            }
            else if (char.IsControl(c))
            {
                builder.Append('\uFFFD');
            }
            else if (!IsInvisibleFormat(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Characters that change how the text around them is shown while showing nothing themselves.</summary>
    private static bool IsInvisibleFormat(char c)
        => c is '\u061C' or '\u200B' or '\uFEFF' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029' || IsInvisibleFormat(c))
            {
                return i;
            }
        }

        return -1;
    }
}
