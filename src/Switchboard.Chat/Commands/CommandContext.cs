using Switchboard.Chat.Server;

namespace Switchboard.Chat.Commands;

/// <summary>What a command sees: the server's command surface, the command table, the session that typed it, its arguments.</summary>
internal sealed class CommandContext(IChatCommandHost server, CommandTable commands, ChatSession session, string arguments, CancellationToken cancellationToken)
{
    public IChatCommandHost Server { get; } = server;

    /// <summary>The commands there are (for /help) and the /oper gate.</summary>
    public CommandTable Commands { get; } = commands;

    public ChatSession Session { get; } = session;

    /// <summary>Everything after the command name, trimmed.</summary>
    public string Arguments { get; } = arguments;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Set by a command that ends the session (/quit), with the reason.</summary>
    public string? EndSession { get; set; }

    public ValueTask ReplyAsync(string text) => Session.ReplyAsync(Session.Format.Info(text), CancellationToken);

    public ValueTask ErrorAsync(string code, string text)
    {
        ChatServer.Log.CommandRejected(Server.Logger, Session.ToString(), code);
        return Session.ReplyAsync(Session.Format.Error(code, text), CancellationToken);
    }

    /// <summary>Splits off the first word: "bob hello there" gives ("bob", "hello there").</summary>
    public (string Head, string Tail) SplitFirst()
    {
        var space = Arguments.IndexOf(' ');
        return space < 0 ? (Arguments, string.Empty) : (Arguments[..space], Arguments[(space + 1)..].Trim());
    }
}
