using System.Net;
using Microsoft.Extensions.Logging;
using Switchboard.Chat.Commands;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Storage;

namespace Switchboard.Chat.Server;

/// <summary>The server as commands see it: each call forwards to the part of the server that does the job.</summary>
internal sealed class CommandSurface(
    ChatServerOptions options,
    ILogger logger,
    Func<IChatStore> store,
    SessionDirectory sessions,
    RoomService rooms,
    MessageDelivery delivery,
    Moderation moderation) : IChatCommandHost
{
    public ChatServerOptions Options => options;

    public ILogger Logger => logger;

    public long LastId => store().LastId;

    public async Task<(string Code, string Text)?> ChangeNickAsync(ChatSession session, string nick, CancellationToken cancellationToken)
    {
        var old = session.Nick;
        if (await sessions.ChangeNickAsync(session, nick, cancellationToken) is { } error)
        {
            return error;
        }

        if (!string.Equals(old, session.Nick, StringComparison.Ordinal))
        {
            await rooms.AnnounceNickChangeAsync(session, old);
        }

        return null;
    }

    public Task<string?> FindNickAsync(string nick, CancellationToken cancellationToken) => sessions.FindAnywhereAsync(nick, cancellationToken);

    public Task<Task<ChatMessage>> PostAsync(ChatMessageKind kind, string? room, string sender, IPAddress? address, string? target, string text, CancellationToken cancellationToken)
        => delivery.EnqueueAsync(kind, room, sender, target, text, address, cancellationToken);

    public async Task<HistoryWindow> FindHistoryAsync(string room, int count, CancellationToken cancellationToken)
    {
        // Lines this session sent just before may still be in the commit queue: wait for them, so they show.
        await delivery.FlushAsync(cancellationToken);
        return await store().FindRecentAsync(room, count, cancellationToken);
    }

    public Task SendHistoryAsync(ChatSession session, string room, HistoryWindow window, CancellationToken cancellationToken)
        => HistoryStream.SendAsync(session, store(), room, window, history: true, cancellationToken);

    public RoomOpen TryOpenRoom(string name, IPAddress? creator, out Room? room) => rooms.TryOpen(name, creator, out room);

    public Task JoinAsync(ChatSession session, Room room, long? since, CancellationToken cancellationToken) => rooms.JoinAsync(session, room, since, cancellationToken);

    public Task JoinLobbyAsync(ChatSession session, CancellationToken cancellationToken) => rooms.JoinAsync(session, rooms.Lobby, since: null, cancellationToken);

    public Task<RoomPage> ListRoomsAsync(string? after, int limit, CancellationToken cancellationToken) => rooms.ListAsync(after, limit, cancellationToken);

    public Task<IReadOnlyList<string>?> WhoAsync(string room, CancellationToken cancellationToken) => rooms.WhoAsync(room, cancellationToken);

    public Task SetTopicAsync(Room room, string topic, string by, CancellationToken cancellationToken) => rooms.SetTopicAsync(room, topic, by, cancellationToken);

    public Task<string?> KickAsync(string nick, string? reason, string by, CancellationToken cancellationToken) => moderation.KickAnywhereAsync(nick, reason, by, cancellationToken);

    public Task BanAsync(string nickOrAddress, string? reason, string by, CancellationToken cancellationToken) => moderation.BanAsync(nickOrAddress, reason, by, cancellationToken);

    public Task<bool> UnbanAsync(string nickOrAddress, CancellationToken cancellationToken) => moderation.UnbanAsync(nickOrAddress, cancellationToken);
}
