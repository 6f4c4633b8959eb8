namespace Switchboard.Chat.Storage;

/// <summary>
/// Nicks and rooms of every connected user. A nick is held by one user across every node; a node that stops
/// heartbeating loses its users after <see cref="ChatServerOptions.PresenceTimeout"/>.
/// </summary>
internal interface IChatPresence
{
    /// <summary>Claims a nick (case-insensitively unique); false when someone holds it.</summary>
    Task<bool> TryClaimAsync(string nick, string? room, CancellationToken cancellationToken);

    /// <summary>Moves a held nick to a new spelling of the same nick (a change of case).</summary>
    Task RenameAsync(string nick, CancellationToken cancellationToken);

    Task ReleaseAsync(string nick, CancellationToken cancellationToken);

    Task SetRoomAsync(string nick, string? room, CancellationToken cancellationToken);

    /// <summary>The user holding a nick, with the node it is connected to; null when nobody does.</summary>
    Task<PresenceEntry?> FindAsync(string nick, CancellationToken cancellationToken);

    /// <summary>The nicks in a room, sorted case-insensitively.</summary>
    Task<IReadOnlyList<string>> ListRoomAsync(string room, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> rooms with at least one user and how many, in ordinal name order, from the first
    /// room whose name sorts after <paramref name="after"/> (from the first room when null). A page costs the page,
    /// not every user or room.
    /// </summary>
    Task<IReadOnlyList<(string Room, int Count)>> CountRoomsAsync(string? after, int limit, CancellationToken cancellationToken);
}

/// <summary>One connected user as presence knows them.</summary>
/// <param name="Nick">The nick as spelled by its holder.</param>
/// <param name="Node">The node the user is connected to.</param>
/// <param name="Room">The user's room, or null.</param>
internal sealed record PresenceEntry(string Nick, string Node, string? Room);
