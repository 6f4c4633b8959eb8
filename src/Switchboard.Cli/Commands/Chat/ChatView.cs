using System.Globalization;
using System.Text.Json;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Chat;

/// <summary>
/// Turns the server's JSON events into the lines the user sees: time, room, nick, text, in colour. Everything that
/// came from the server goes through <see cref="TerminalText"/> before the colours are added: a hostile server (or
/// one that let something through) must not drive the terminal.
/// </summary>
internal sealed class ChatView(bool color)
{
    public string Message(JsonElement e)
    {
        var kind = Str(e, "kind") ?? "say";
        var from = TerminalText.Escape(Str(e, "from") ?? "?");
        var text = TerminalText.Escape(Str(e, "text") ?? "");
        var history = e.TryGetProperty("history", out var h) && h.ValueKind == JsonValueKind.True;
        var time = Time(e, history);
        var room = Paint(Ansi.Cyan, "#" + TerminalText.Escape(Str(e, "room") ?? ""));
        return kind switch
        {
            "action" => $"{time} {room} {Paint(Ansi.Magenta, $"* {from} {text}")}",
            "private" => $"{time} {Paint(Ansi.Yellow, $"[private {from} → {TerminalText.Escape(Str(e, "to") ?? "")}]")} {text}",
            "announce" => $"{time} {Paint(Ansi.Bold + Ansi.Yellow, $"*** ANNOUNCEMENT from {from}: {text}")}",
            _ => $"{time} {room} {Paint(Ansi.NickColour(from), $"<{from}>")} {text}",
        };
    }

    public string Notice(string text) => $"{Time(default, false)} {Paint(Ansi.Dim, "-- " + TerminalText.Escape(text))}";

    public string Info(string text) => Paint(Ansi.Dim, "*** " + TerminalText.Escape(text));

    public string Error(string code, string text) => Paint(Ansi.Red, TerminalText.Escape($"ERR {code} {text}"));

    public string Raw(string line) => Paint(Ansi.Dim, TerminalText.Escape(line));

    private string Time(JsonElement e, bool withDate)
    {
        var when = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("time", out var t) && t.TryGetDateTimeOffset(out var parsed) ? parsed : DateTimeOffset.UtcNow;
        var format = withDate ? "yyyy-MM-dd HH:mm:ss" : "HH:mm:ss";
        return Paint(Ansi.Dim, when.ToLocalTime().ToString(format, CultureInfo.InvariantCulture));
    }

    private string Paint(string colour, string text) => Ansi.Paint(color, colour, text);

    internal static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
