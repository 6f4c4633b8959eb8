using System.Data.Common;

namespace Switchboard.Chat.Storage;

/// <summary>
/// The one mapping of a message row (id, kind, room, nick, target, text, time, in that column order) to a
/// <see cref="ChatMessage"/>, for both stores; only how each stores the time differs, so the caller reads that.
/// </summary>
internal static class ChatMessageRows
{
    public static ChatMessage Read(DbDataReader reader, DateTimeOffset time) => new(
        reader.GetInt64(0),
        (ChatMessageKind)reader.GetInt32(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetString(5),
        time);
}
