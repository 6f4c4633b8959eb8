namespace Switchboard.Chat.Protocol;

/// <summary>Turns chat events into complete output lines (UTF-8, LF-terminated) for one <see cref="OutputMode"/>.</summary>
internal interface IChatFormat
{
    byte[] Message(ChatMessage message, string viewer, bool history);

    byte[] Welcome(string nick, string room, long lastId);

    byte[] Joined(string room, string nick, DateTimeOffset time);

    byte[] Parted(string room, string nick, string? reason, DateTimeOffset time);

    byte[] NickChanged(string oldNick, string newNick, DateTimeOffset time);

    byte[] Topic(string room, string? topic, string? by, DateTimeOffset time);

    /// <summary>Marks the end of a join replay; null when the mode has no such line.</summary>
    byte[]? Synced(string room, long lastId);

    byte[] Info(string text);

    byte[] Error(string code, string text);
}

internal static class ChatFormats
{
    public static IChatFormat For(OutputMode mode) => mode == OutputMode.Json ? JsonFormat.Instance : TextFormat.Instance;
}
