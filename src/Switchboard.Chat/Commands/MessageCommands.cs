using System.Globalization;

namespace Switchboard.Chat.Commands;

/// <summary>Talking: plain lines, /say, /me, /msg, /history.</summary>
internal static class MessageCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new("say", "/say TEXT", "say a line, even one that starts with '/'", false, c => SayAsync(c, ChatMessageKind.Say, c.Arguments)));
        table.Add(new("me", "/me ACTION", "act: \"/me waves\" shows \"* nick waves\"", false, c => SayAsync(c, ChatMessageKind.Action, c.Arguments)));
        table.Add(new("msg", "/msg NICK TEXT", "a private message to one person", false, PrivateAsync));
        table.Add(new("history", "/history [N]", "the last N messages of your room (default 50, at most 10000)", false, HistoryAsync));
    }

    public static async ValueTask SayAsync(CommandContext c, ChatMessageKind kind, string text)
    {
        if (text.Length == 0)
        {
            await c.ErrorAsync("bad-arguments", "nothing to say");
            return;
        }

        var room = c.Session.Room;
        if (room is null)
        {
            await c.ErrorAsync("not-in-room", "join a room first: /join lobby");
            return;
        }

        await Post(c, kind, room.Name, null, text);
    }

    private static async ValueTask PrivateAsync(CommandContext c)
    {
        var (nick, text) = c.SplitFirst();
        if (nick.Length == 0 || text.Length == 0)
        {
            await c.ErrorAsync("bad-arguments", "usage: /msg NICK TEXT");
            return;
        }

        // The recipient may be connected to another node; every node delivers to its own users.
        var target = await c.Server.FindNickAsync(nick, c.CancellationToken);
        if (target is null)
        {
            await c.ErrorAsync("no-such-nick", $"nobody is called {nick}");
            return;
        }

        await Post(c, ChatMessageKind.Private, null, target, text);
    }

    private static async ValueTask Post(CommandContext c, ChatMessageKind kind, string? room, string? target, string text)
    {
        // Not awaiting the commit lets one connection's lines share a group commit; the writer delivers them.
        var session = c.Session;
        Task<ChatMessage> committed;
        try
        {
            committed = await c.Server.PostAsync(kind, room, session.Nick, session.Address, target, text, c.CancellationToken);
        }
        catch (Storage.StorageQuotaExceededException ex)
        {
            await c.ErrorAsync("quota", ex.Message);
            return;
        }

        _ = committed.ContinueWith(
            t => session.TrySendLine(t.Exception?.InnerException is Storage.StoreUnavailableException
                ? session.Format.Error("store-unavailable", "the chat database is unavailable: your line was not stored or delivered; try again shortly")
                : session.Format.Error("store-failed", "your message could not be stored and was not delivered")),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    private static async ValueTask HistoryAsync(CommandContext c)
    {
        var max = c.Server.Options.MaxHistory;
        var count = 50;
        if (c.Arguments.Length > 0 && (!int.TryParse(c.Arguments, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > max))
        {
            await c.ErrorAsync("bad-arguments", $"usage: /history [N], N from 1 to {max}");
            return;
        }

        var room = c.Session.Room;
        if (room is null)
        {
            await c.ErrorAsync("not-in-room", "join a room first");
            return;
        }

        var window = await c.Server.FindHistoryAsync(room.Name, count, c.CancellationToken);
        await c.ReplyAsync($"history of #{room.Name}: {window.Count} messages");
        await c.Server.SendHistoryAsync(c.Session, room.Name, window, c.CancellationToken);
        await c.ReplyAsync("end of history");
    }
}
