using System.Text.RegularExpressions;

namespace Switchboard.Chat;

/// <summary>The rules for nicknames and room names.</summary>
public static partial class ChatNames
{
    /// <summary>The room everybody starts in.</summary>
    public const string DefaultRoom = "lobby";

    /// <summary>The longest nickname.</summary>
    public const int MaxNickLength = 24;

    /// <summary>The longest room name (without '#').</summary>
    public const int MaxRoomLength = 32;

    /// <summary>
    /// A nickname: a letter, then letters, digits, '_' or '-', 24 characters at most. ASCII only, so two nicks
    /// that look alike are the same nick (comparison ignores case).
    /// </summary>
    public static bool IsValidNick(string? nick) => nick is not null && NickPattern().IsMatch(nick);

    /// <summary>
    /// What the web console's chat page adds to its users' names ("frank@web"): a name no TCP nick can take, so the
    /// others can tell where a user comes from. The name before it shares the nicks' namespace (see
    /// <see cref="WithoutWebTag"/>).
    /// </summary>
    public const string WebTag = "@web";

    /// <summary>
    /// The nick without the web tag: "frank@web" is "frank". A web user and a TCP user are one namespace, so
    /// "frank@web" cannot sit beside "frank" (nor beside "fIank"), and <c>/ban frank</c> covers the page too.
    /// </summary>
    public static string WithoutWebTag(string nick)
        => nick.EndsWith(WebTag, StringComparison.OrdinalIgnoreCase) ? nick[..^WebTag.Length] : nick;

    /// <summary>Normalises a room name ("#Lobby" becomes "lobby"); null when it is not valid.</summary>
    public static string? NormalizeRoom(string? room)
    {
        if (room is null)
        {
            return null;
        }

        var name = room.StartsWith('#') ? room[1..] : room;
        return RoomPattern().IsMatch(name) ? name.ToLowerInvariant() : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,23}$")]
    private static partial Regex NickPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex RoomPattern();
}
