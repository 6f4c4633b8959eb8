using System.Numerics;
using System.Text;

namespace Switchboard.Chat.Commands;

/// <summary>Who the session is and how it talks: /nick, /mode, /oper, /ping, /quit, /help.</summary>
internal static class IdentityCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new("nick", "/nick NAME", "change your nickname", false, NickAsync));
        table.Add(new("mode", "/mode text|json", "switch output between text lines and JSON lines", false, ModeAsync));
        table.Add(new("oper", "/oper SECRET", "become an operator", false, OperAsync));
        table.Add(new("ping", "/ping", "check the connection (answers pong); keeps an idle connection open", false, c => c.ReplyAsync("pong")));
        table.Add(new("quit", "/quit [MESSAGE]", "leave the chat", false, QuitAsync));
        table.Add(new("help", "/help", "list the commands", false, HelpAsync));
    }

    private static async ValueTask NickAsync(CommandContext c)
    {
        if (c.Arguments.Length == 0)
        {
            await c.ReplyAsync($"you are {c.Session.Nick}");
            return;
        }

        if (await c.Server.ChangeNickAsync(c.Session, c.Arguments, c.CancellationToken) is { } error)
        {
            await c.ErrorAsync(error.Code, error.Text);
        }
    }

    private static async ValueTask ModeAsync(CommandContext c)
    {
        switch (c.Arguments.ToLowerInvariant())
        {
            case "json":
                c.Session.Mode = OutputMode.Json;
                await c.Session.ReplyAsync(c.Session.Format.Welcome(c.Session.Nick, c.Session.Room?.Name ?? ChatNames.DefaultRoom, c.Server.LastId), c.CancellationToken);
                break;
            case "text":
                c.Session.Mode = OutputMode.Text;
                await c.ReplyAsync("output is now text");
                break;
            default:
                await c.ErrorAsync("bad-mode", "usage: /mode text|json");
                break;
        }
    }

    private static async ValueTask OperAsync(CommandContext c)
    {
        var gate = c.Commands.Operators;
        if (!gate.Enabled)
        {
            await c.ErrorAsync("oper-disabled", "no operator secret is configured on this server");
            return;
        }

        switch (gate.TryOper(c.Session, c.Arguments, out var retryAfter, out var failures))
        {
            case OperResult.BackingOff:
                // Not checked at all, right or wrong: a guesser learns nothing until the wait is over.
                await c.ErrorAsync("oper-backoff", $"too many wrong secrets; try again in {Seconds(retryAfter)} s");
                return;
            case OperResult.Refused:
                if (BitOperations.IsPow2(failures))
                {
                    ChatServer.Log.OperFailed(c.Server.Logger, c.Session.ToString(), failures, $"{Seconds(retryAfter)} s");
                }

                await c.ErrorAsync("bad-secret", $"wrong operator secret; try again in {Seconds(retryAfter)} s");
                return;
        }

        c.Session.IsOperator = true;
        ChatServer.Log.OperGranted(c.Server.Logger, c.Session.ToString());
        await c.ReplyAsync("you are now an operator: /kick, /ban, /unban, /announce");
    }

    private static int Seconds(TimeSpan wait) => (int)Math.Ceiling(wait.TotalSeconds);

    private static ValueTask QuitAsync(CommandContext c)
    {
        c.EndSession = c.Arguments.Length == 0 ? "quit" : $"quit: {c.Arguments}";
        return c.ReplyAsync("bye");
    }

    private static async ValueTask HelpAsync(CommandContext c)
    {
        var lines = new StringBuilder();
        await c.ReplyAsync("commands (a line without '/' is said in your room; start it with '//' to say a line beginning with '/'):");
        foreach (var command in c.Commands.All)
        {
            if (!command.OperatorOnly || c.Session.IsOperator)
            {
                await c.ReplyAsync($"  {command.Usage,-28} {command.Summary}{(command.OperatorOnly ? " (operators)" : "")}");
            }
        }
    }
}
