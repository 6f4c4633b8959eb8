using System.Net;
using Microsoft.Extensions.Logging;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Server;

namespace Switchboard.Chat.Commands;

/// <summary>
/// Everything a command may ask of the server, and nothing more: commands never see its sessions, store or
/// internals. Methods that need the database throw <see cref="Storage.StoreUnavailableException"/> while it is away.
/// </summary>
internal interface IChatCommandHost
{
    ChatServerOptions Options { get; }

    ILogger Logger { get; }

    /// <summary>The highest message id this node has seen, for the welcome.</summary>
    long LastId { get; }

    /// <summary>Renames the session and tells whom it concerns; an error code and text, or null when it worked.</summary>
    Task<(string Code, string Text)?> ChangeNickAsync(ChatSession session, string nick, CancellationToken cancellationToken);

    /// <summary>The holder's spelling of a nick on any node; null when nobody holds it.</summary>
    Task<string?> FindNickAsync(string nick, CancellationToken cancellationToken);

    /// <summary>Queues a message for the group commit; the returned task completes when it is committed and delivered.</summary>
    /// <exception cref="Storage.StorageQuotaExceededException">The sender (its nick or <paramref name="address"/>) is over the storage quota.</exception>
    Task<Task<ChatMessage>> PostAsync(ChatMessageKind kind, string? room, string sender, IPAddress? address, string? target, string text, CancellationToken cancellationToken);

    /// <summary>Where the last <paramref name="count"/> messages of a room are, after everything queued before has committed.</summary>
    Task<Storage.HistoryWindow> FindHistoryAsync(string room, int count, CancellationToken cancellationToken);

    /// <summary>Sends the messages of a window to the session as its send buffer drains (never all at once).</summary>
    Task SendHistoryAsync(ChatSession session, string room, Storage.HistoryWindow window, CancellationToken cancellationToken);

    RoomOpen TryOpenRoom(string name, IPAddress? creator, out Room? room);

    Task JoinAsync(ChatSession session, Room room, long? since, CancellationToken cancellationToken);

    Task JoinLobbyAsync(ChatSession session, CancellationToken cancellationToken);

    /// <summary>A page of rooms in name order, after <paramref name="after"/> (from the first when null).</summary>
    Task<RoomPage> ListRoomsAsync(string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The nicks in a room on every node; null when there is no such room.</summary>
    Task<IReadOnlyList<string>?> WhoAsync(string room, CancellationToken cancellationToken);

    Task SetTopicAsync(Room room, string topic, string by, CancellationToken cancellationToken);

    /// <summary>Kicks a nick on whichever node holds it; the holder's spelling, or null when nobody does.</summary>
    Task<string?> KickAsync(string nick, string? reason, string by, CancellationToken cancellationToken);

    /// <exception cref="ArgumentException">It is neither a valid nick nor an address.</exception>
    Task BanAsync(string nickOrAddress, string? reason, string by, CancellationToken cancellationToken);

    Task<bool> UnbanAsync(string nickOrAddress, CancellationToken cancellationToken);
}
