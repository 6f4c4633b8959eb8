using System.Globalization;
using System.Text;

namespace Switchboard.Chat.Protocol;

/// <summary>
/// The human line protocol. Every line starts with something a script can match: "[HH:mm:ss] #room" for room
/// messages, "[HH:mm:ss] *private*" for private ones, "***" for notices and replies, "ERR" for errors.
/// </summary>
internal sealed class TextFormat : IChatFormat
{
    public static TextFormat Instance { get; } = new();

    public byte[] Message(ChatMessage message, string viewer, bool history)
    {
        var time = Stamp(message.Time, history);
        var line = message.Kind switch
        {
            ChatMessageKind.Say => $"{time} #{message.Room} <{message.Sender}> {message.Text}",
            ChatMessageKind.Action => $"{time} #{message.Room} * {message.Sender} {message.Text}",
            ChatMessageKind.Announce => $"{time} *** ANNOUNCEMENT from {message.Sender}: {message.Text}",
            _ when string.Equals(message.Sender, viewer, StringComparison.OrdinalIgnoreCase) && !string.Equals(message.Target, viewer, StringComparison.OrdinalIgnoreCase)
                => $"{time} *private to {message.Target}* <{message.Sender}> {message.Text}",
            _ => $"{time} *private* <{message.Sender}> {message.Text}",
        };
        return Line(line);
    }

    public byte[] Welcome(string nick, string room, long lastId)
        => Line($"*** Welcome to Switchboard chat, {nick}! You are in #{room}. Type /help for commands.");

    public byte[] Joined(string room, string nick, DateTimeOffset time) => Line($"*** {nick} joined #{room}");

    public byte[] Parted(string room, string nick, string? reason, DateTimeOffset time)
        => Line(reason is null ? $"*** {nick} left #{room}" : $"*** {nick} left #{room} ({reason})");

    public byte[] NickChanged(string oldNick, string newNick, DateTimeOffset time) => Line($"*** {oldNick} is now known as {newNick}");

    public byte[] Topic(string room, string? topic, string? by, DateTimeOffset time)
        => Line(string.IsNullOrEmpty(topic) ? $"*** #{room} has no topic" : by is null ? $"*** #{room} topic: {topic}" : $"*** #{room} topic: {topic} (set by {by})");

    public byte[]? Synced(string room, long lastId) => null;

    public byte[] Info(string text) => Line($"*** {text}");

    public byte[] Error(string code, string text) => Line($"ERR {code} {text}");

    private static string Stamp(DateTimeOffset time, bool history)
        => history
            ? "[" + time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "]"
            : "[" + time.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "]";

    private static byte[] Line(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
