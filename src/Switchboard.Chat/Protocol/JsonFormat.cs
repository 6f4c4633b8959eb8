using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchboard.Chat.Protocol;

/// <summary>
/// The structured mode: one JSON object per line, always with a "type". Stored messages carry their id, so a
/// client can resume with <c>/join ROOM since=ID</c> and drop duplicates by id. See docs/PROTOCOL.md.
/// </summary>
internal sealed class JsonFormat : IChatFormat
{
    public static JsonFormat Instance { get; } = new();

    // Relaxed escaping keeps non-ASCII text readable; quotes and control characters are still escaped.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public byte[] Message(ChatMessage message, string viewer, bool history) => Write(w =>
    {
        w.WriteString("type", "message");
        w.WriteNumber("id", message.Id);
        w.WriteString("kind", KindName(message.Kind));
        w.WriteString("room", message.Room);
        w.WriteString("from", message.Sender);
        if (message.Target is not null)
        {
            w.WriteString("to", message.Target);
        }

        w.WriteString("time", message.Time.UtcDateTime);
        w.WriteString("text", message.Text);
        if (history)
        {
            w.WriteBoolean("history", true);
        }
    });

    public byte[] Welcome(string nick, string room, long lastId) => Write(w =>
    {
        w.WriteString("type", "welcome");
        w.WriteString("server", "switchboard-chat/1");
        w.WriteString("nick", nick);
        w.WriteString("room", room);
        w.WriteNumber("lastId", lastId);
    });

    public byte[] Joined(string room, string nick, DateTimeOffset time) => Write(w =>
    {
        w.WriteString("type", "join");
        w.WriteString("room", room);
        w.WriteString("nick", nick);
        w.WriteString("time", time.UtcDateTime);
    });

    public byte[] Parted(string room, string nick, string? reason, DateTimeOffset time) => Write(w =>
    {
        w.WriteString("type", "part");
        w.WriteString("room", room);
        w.WriteString("nick", nick);
        w.WriteString("reason", reason);
        w.WriteString("time", time.UtcDateTime);
    });

    public byte[] NickChanged(string oldNick, string newNick, DateTimeOffset time) => Write(w =>
    {
        w.WriteString("type", "nick");
        w.WriteString("old", oldNick);
        w.WriteString("new", newNick);
        w.WriteString("time", time.UtcDateTime);
    });

    public byte[] Topic(string room, string? topic, string? by, DateTimeOffset time) => Write(w =>
    {
        w.WriteString("type", "topic");
        w.WriteString("room", room);
        w.WriteString("topic", topic);
        w.WriteString("by", by);
        w.WriteString("time", time.UtcDateTime);
    });

    public byte[]? Synced(string room, long lastId) => Write(w =>
    {
        w.WriteString("type", "synced");
        w.WriteString("room", room);
        w.WriteNumber("lastId", lastId);
    });

    public byte[] Info(string text) => Write(w =>
    {
        w.WriteString("type", "info");
        w.WriteString("text", text);
    });

    public byte[] Error(string code, string text) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("code", code);
        w.WriteString("text", text);
    });

    internal static string KindName(ChatMessageKind kind) => kind switch
    {
        ChatMessageKind.Say => "say",
        ChatMessageKind.Action => "action",
        ChatMessageKind.Private => "private",
        _ => "announce",
    };

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
