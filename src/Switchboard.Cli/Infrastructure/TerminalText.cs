using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// Text from a peer, made harmless for a terminal: the one place every tool (chat, listen's print and relay modes,
/// fortune get) decides what a peer may not put on someone's screen. A terminal obeys escape sequences in what it
/// prints: OSC 52 writes the clipboard, OSC 0 the window title, <c>\r\e[2K</c> erases a line to fake another. So
/// no C0 control (ESC, NUL, BEL, CR, backspace...) but TAB gets through, nor DEL, nor C1 controls (U+009B is CSI
/// on many terminals), nor the invisible characters that make text read other than it is (bidi embeddings,
/// overrides and isolates, U+061C, U+200B, U+2028/2029, U+FEFF). The chat server cleans relayed text too; a client
/// does it again because it cannot trust the server it talks to.
/// </summary>
internal static class TerminalText
{
    // The first byte of every UTF-8 sequence that can encode an unsafe character, besides the C0 bytes and DEL:
    // C2 (C1 controls), D8 (U+061C), E2 (U+200B, U+2028-202E, U+2066-2069), EF (U+FEFF). Lines without any of them
    // (nearly all) are passed on as they are, without decoding.
    private static readonly SearchValues<byte> s_suspectBytes = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(b => b != '\t').Select(b => (byte)b), 0x7F, 0xC2, 0xD8, 0xE2, 0xEF]);

    /// <summary>Whether a terminal must not get <paramref name="c"/> from a peer (TAB and, in multi-line text, LF it may).</summary>
    public static bool IsUnsafe(char c) => c switch
    {
        '\t' => false,
        < '\u0020' or '\u007F' or (>= '\u0080' and <= '\u009F') => true,
        '\u061C' or '\u200B' or '\u2028' or '\u2029' or '\uFEFF' => true,
        >= '\u202A' and <= '\u202E' => true,
        >= '\u2066' and <= '\u2069' => true,
        _ => false,
    };

    /// <summary>
    /// For display: each unsafe character is shown as an escape (<c>\e</c> for ESC, <c>\r</c>, <c>\n</c>, <c>\0</c>,
    /// <c>\x07</c>, <c>\u202e</c>), so the user sees that something was sent without the terminal acting on it.
    /// With <paramref name="keepLineBreaks"/> (fortunes are several lines) LF stays a line break.
    /// </summary>
    public static string Escape(string text, bool keepLineBreaks = false)
    {
        var first = IndexOfUnsafe(text, keepLineBreaks);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c) || (keepLineBreaks && c == '\n'))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(c switch
                {
                    '\u001B' => @"\e",
                    '\r' => @"\r",
                    '\n' => @"\n",
                    '\0' => @"\0",
                    < '\u0100' => @"\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                    _ => @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                });
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// For relaying a UTF-8 line to other clients: each unsafe character becomes U+FFFD, as the chat server does, and
    /// everything else is copied byte for byte. The line must be valid UTF-8 (the relay's reader checks).
    /// </summary>
    public static void Neutralise(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        if (line.IndexOfAny(s_suspectBytes) < 0)
        {
            output.Write(line);
            return;
        }

        var text = Encoding.UTF8.GetString(line);
        var clean = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = IsUnsafe(c) ? '\uFFFD' : c;
            }
        });
        output.Write(Encoding.UTF8.GetBytes(clean));
    }

    private static int IndexOfUnsafe(string text, bool keepLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnsafe(c) && !(keepLineBreaks && c == '\n'))
            {
                return i;
            }
        }

        return -1;
    }
}
