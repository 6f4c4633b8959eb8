using System.Globalization;
using Switchboard.Chat.Rooms;

namespace Switchboard.Chat.Commands;

/// <summary>Rooms: /join, /part, /rooms, /who, /topic.</summary>
internal static class RoomCommands
{
    private const int WhoLineLength = 4000;

    /// <summary>Rooms per reply of /rooms.</summary>
    internal const int RoomsPageSize = 50;

    public static void Register(CommandTable table)
    {
        table.Add(new("join", "/join ROOM [since=ID]", "go to a room (created if new); replays recent messages, or all after ID", false, JoinAsync));
        table.Add(new("part", "/part", "leave your room, back to the lobby", false, PartAsync));
        table.Add(new("rooms", "/rooms [ROOM]", "list rooms with member counts, 50 at a time in name order (after ROOM)", false, RoomsAsync));
        table.Add(new("who", "/who [ROOM]", "list who is in a room", false, WhoAsync));
        table.Add(new("topic", "/topic [TEXT]", "show or set your room's topic", false, TopicAsync));
    }

    private static async ValueTask JoinAsync(CommandContext c)
    {
        var (name, rest) = c.SplitFirst();
        var room = ChatNames.NormalizeRoom(name);
        if (room is null)
        {
            await c.ErrorAsync("bad-room", $"\"{name}\" is not a valid room: letters, digits, '_' or '-', at most {ChatNames.MaxRoomLength} characters");
            return;
        }

        long? since = null;
        if (rest.Length > 0)
        {
            if (!rest.StartsWith("since=", StringComparison.OrdinalIgnoreCase) || !long.TryParse(rest.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                await c.ErrorAsync("bad-arguments", "usage: /join ROOM [since=ID]");
                return;
            }

            since = id;
        }

        switch (c.Server.TryOpenRoom(room, c.Session.Address, out var opened))
        {
            case RoomOpen.TooManyRooms:
                await c.ErrorAsync("too-many-rooms", $"#{room} does not exist and the server has its maximum of {c.Server.Options.MaxRooms} rooms; join an existing one (/rooms)");
                return;
            case RoomOpen.TooFast:
                await c.ErrorAsync("room-rate", $"#{room} does not exist and your address has created {c.Server.Options.MaxRoomsPerAddressPerMinute} rooms in the last minute; try again shortly or join an existing one (/rooms)");
                return;
        }

        await c.Server.JoinAsync(c.Session, opened!, since, c.CancellationToken);
    }

    private static async ValueTask PartAsync(CommandContext c)
    {
        if (c.Session.Room is null || c.Session.Room.Name == ChatNames.DefaultRoom)
        {
            await c.ErrorAsync("not-in-room", "you are in the lobby; /quit leaves the chat");
            return;
        }

        await c.Server.JoinLobbyAsync(c.Session, c.CancellationToken);
    }

    private static async ValueTask RoomsAsync(CommandContext c)
    {
        string? after = null;
        if (c.Arguments.Length > 0 && (after = ChatNames.NormalizeRoom(c.Arguments)) is null)
        {
            await c.ErrorAsync("bad-arguments", "usage: /rooms [ROOM] (lists the rooms whose names sort after ROOM)");
            return;
        }

        // A page at a time, in name order: a server may hold a thousand rooms, and one /rooms should cost a page.
        var page = await c.Server.ListRoomsAsync(after, RoomsPageSize, c.CancellationToken);
        await c.ReplyAsync(after is null ? "rooms:" : $"rooms after #{after}:");
        foreach (var (name, count, topic) in page.Rooms)
        {
            await c.ReplyAsync($"  #{name} ({count} {(count == 1 ? "member" : "members")}){(topic is null ? "" : " " + topic)}");
        }

        await c.ReplyAsync(page.More ? $"more: /rooms {page.Rooms[^1].Name}" : "end of rooms");
    }

    private static async ValueTask WhoAsync(CommandContext c)
    {
        var name = c.Arguments.Length > 0 ? ChatNames.NormalizeRoom(c.Arguments) : c.Session.Room?.Name;
        var nicks = name is null ? null : await c.Server.WhoAsync(name, c.CancellationToken);
        if (name is null || nicks is null)
        {
            await c.ErrorAsync("no-such-room", $"no room {c.Arguments}");
            return;
        }

        // A big room's list goes out a few KiB per line, each waiting for room in the send buffer, rather than as
        // one line as long as the room is large.
        var prefix = $"#{name} ({nicks.Count}): ";
        var line = new System.Text.StringBuilder(prefix);
        foreach (var nick in nicks)
        {
            if (line.Length > prefix.Length && line.Length + nick.Length >= WhoLineLength)
            {
                await c.ReplyAsync(line.ToString());
                line.Clear().Append(prefix);
            }

            line.Append(line.Length > prefix.Length ? " " : "").Append(nick);
        }

        await c.ReplyAsync(line.ToString());
    }

    private static async ValueTask TopicAsync(CommandContext c)
    {
        var room = c.Session.Room;
        if (room is null)
        {
            await c.ErrorAsync("not-in-room", "join a room first");
            return;
        }

        if (c.Arguments.Length == 0)
        {
            await c.Session.ReplyAsync(c.Session.Format.Topic(room.Name, room.Topic, room.TopicBy, DateTimeOffset.UtcNow), c.CancellationToken);
            return;
        }

        await c.Server.SetTopicAsync(room, c.Arguments, c.Session.Nick, c.CancellationToken);
    }
}
