using System.Text;

namespace Switchboard.Chat.Protocol;

/// <summary>Keeps control characters out of relayed text, so no client can drive another's terminal.</summary>
internal static class TextSanitizer
{
    /// <summary>True when the line holds a NUL, which is rejected rather than cleaned: it is never text.</summary>
    public static bool ContainsNul(ReadOnlySpan<char> text) => text.Contains('\0');

    /// <summary>
    /// Replaces C0/C1 control characters (ESC, BEL, backspace...) other than TAB with U+FFFD, and TAB with a space.
    /// Returns the same string when there is nothing to replace.
    /// </summary>
    public static string Clean(string text)
    {
        var i = IndexOfControl(text);
        if (i < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            builder.Append(c == '\t' ? ' ' : char.IsControl(c) ? '\uFFFD' : c);
        }

        return builder.ToString();
    }

    private static int IndexOfControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
