using Switchboard.Chat.Protocol;

namespace Switchboard.Chat.Server;

/// <summary>
/// A committed message formatted at most once per output mode, however many members receive it. Private messages
/// read differently for sender and recipient, so they are formatted per viewer instead.
/// </summary>
internal sealed class MessageLines(ChatMessage message)
{
    private byte[]? _text;
    private byte[]? _json;

    public ChatMessage Message { get; } = message;

    public byte[] For(OutputMode mode, string viewer)
    {
        if (Message.Kind == ChatMessageKind.Private)
        {
            return ChatFormats.For(mode).Message(Message, viewer, history: false);
        }

        return mode == OutputMode.Json
            ? _json ??= JsonFormat.Instance.Message(Message, viewer, false)
            : _text ??= TextFormat.Instance.Message(Message, viewer, false);
    }
}
