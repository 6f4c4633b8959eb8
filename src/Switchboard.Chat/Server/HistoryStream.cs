using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Server;

/// <summary>
/// Sends a run of stored messages to one session as its buffer drains: a page at a time from the store, each line
/// through <see cref="ChatSession.ReplyAsync"/> (which waits for room in the bounded send buffer and drops a peer
/// that makes none), so a reader of a long history holds its own send buffer plus one page, however long the
/// history and however slowly it reads. Used by <c>/history</c> and the replay on join.
/// </summary>
internal static class HistoryStream
{
    // Small: with 8 KiB lines a page is at most 256 KiB of text, and the next one is read only once the buffer
    // has taken this one, so sixty slow readers cost sixty send buffers, not sixty histories.
    internal const int PageSize = 32;

    /// <summary>
    /// Sends the messages of <paramref name="room"/> with ids above <paramref name="afterId"/> up to
    /// <paramref name="upToId"/>, oldest first; returns the last id sent (<paramref name="afterId"/> when none).
    /// Stops early when the connection goes away.
    /// </summary>
    public static async Task<long> SendAsync(ChatSession session, IChatStore store, string room, long afterId, long upToId, bool history, CancellationToken cancellationToken)
    {
        var last = afterId;
        var closed = session.Closed;
        while (!closed.IsCancellationRequested && last < upToId)
        {
            var page = await store.ReadAfterAsync(room, last, PageSize, cancellationToken);
            foreach (var message in page)
            {
                if (message.Id > upToId || closed.IsCancellationRequested)
                {
                    return last;
                }

                await session.ReplyAsync(session.Format.Message(message, session.Nick, history), cancellationToken);
                last = message.Id;
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        return last;
    }

    /// <summary>Sends a window found by <see cref="IChatStore.FindRecentAsync"/>.</summary>
    public static Task<long> SendAsync(ChatSession session, IChatStore store, string room, HistoryWindow window, bool history, CancellationToken cancellationToken)
        => window.Count == 0 ? Task.FromResult(0L) : SendAsync(session, store, room, window.FirstId - 1, window.LastId, history, cancellationToken);
}
