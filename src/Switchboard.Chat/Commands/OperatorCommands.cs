using System.Net;

namespace Switchboard.Chat.Commands;

/// <summary>Operators: /kick, /ban, /unban, /announce.</summary>
internal static class OperatorCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new("kick", "/kick NICK [REASON]", "disconnect someone", true, KickAsync));
        table.Add(new("ban", "/ban NICK|ADDRESS [REASON]", "ban a nick or an IP address (kept across restarts) and disconnect them", true, BanAsync));
        table.Add(new("unban", "/unban NICK|ADDRESS", "lift a ban", true, UnbanAsync));
        table.Add(new("announce", "/announce TEXT", "say something to every room", true, AnnounceAsync));
    }

    private static async ValueTask KickAsync(CommandContext c)
    {
        var (nick, reason) = c.SplitFirst();
        var kicked = nick.Length == 0 ? null : await c.Server.KickAsync(nick, reason.Length == 0 ? null : reason, c.Session.Nick, c.CancellationToken);
        if (kicked is null)
        {
            await c.ErrorAsync("no-such-nick", $"nobody is called {nick}");
            return;
        }

        await c.ReplyAsync($"kicked {kicked}");
    }

    private static async ValueTask BanAsync(CommandContext c)
    {
        var (who, reason) = c.SplitFirst();
        try
        {
            await c.Server.BanAsync(who, reason.Length == 0 ? null : reason, c.Session.Nick, c.CancellationToken);
        }
        catch (ArgumentException)
        {
            await c.ErrorAsync("bad-arguments", "usage: /ban NICK|ADDRESS [REASON]");
            return;
        }

        await c.ReplyAsync($"banned {(IPAddress.TryParse(who, out _) ? "address" : "nick")} {who}");
    }

    private static async ValueTask UnbanAsync(CommandContext c)
    {
        if (await c.Server.UnbanAsync(c.Arguments, c.CancellationToken))
        {
            await c.ReplyAsync($"unbanned {c.Arguments}");
        }
        else
        {
            await c.ErrorAsync("not-banned", $"{c.Arguments} is not banned");
        }
    }

    private static async ValueTask AnnounceAsync(CommandContext c)
    {
        if (c.Arguments.Length == 0)
        {
            await c.ErrorAsync("bad-arguments", "usage: /announce TEXT");
            return;
        }

        await c.Server.PostAsync(ChatMessageKind.Announce, null, c.Session.Nick, c.Session.Address, null, c.Arguments, c.CancellationToken);
    }
}
