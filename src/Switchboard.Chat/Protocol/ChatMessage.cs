namespace Switchboard.Chat;

/// <summary>What kind of stored message a <see cref="ChatMessage"/> is.</summary>
public enum ChatMessageKind
{
    /// <summary>A plain line said in a room.</summary>
    Say,

    /// <summary>An action (<c>/me waves</c>) in a room.</summary>
    Action,

    /// <summary>A private message from one nick to another (<c>/msg</c>); it has no room.</summary>
    Private,

    /// <summary>An operator's or the web console's announcement to every room.</summary>
    Announce,
}

/// <summary>
/// One stored chat message. <see cref="Id"/> is assigned by the store when the message commits; ids grow
/// monotonically and a message is delivered to nobody before it is committed.
/// </summary>
/// <param name="Id">The message id: unique and monotonic across restarts.</param>
/// <param name="Kind">Say, action, private or announcement.</param>
/// <param name="Room">The room, without '#'; null for private messages and announcements.</param>
/// <param name="Sender">The sender's nick (web users are "name@web", operators' announcements carry the operator's nick).</param>
/// <param name="Target">The recipient's nick for private messages; otherwise null.</param>
/// <param name="Text">The text, valid UTF-8 without control characters.</param>
/// <param name="Time">When the server accepted the message (UTC).</param>
public sealed record ChatMessage(long Id, ChatMessageKind Kind, string? Room, string Sender, string? Target, string Text, DateTimeOffset Time);
