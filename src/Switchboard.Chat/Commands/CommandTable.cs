namespace Switchboard.Chat.Commands;

/// <summary>One command: its name, how to call it, what it does, and whether operators only may use it.</summary>
internal sealed record ChatCommand(string Name, string Usage, string Summary, bool OperatorOnly, Func<CommandContext, ValueTask> ExecuteAsync);

/// <summary>
/// Parses an input line and runs it: "/name args" is a command, "//text" says "/text", anything else is said in
/// the session's room.
/// </summary>
internal sealed class CommandTable
{
    private readonly Dictionary<string, ChatCommand> _commands = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ChatCommand> All => _commands.Values.OrderBy(c => c.Name, StringComparer.Ordinal);

    private CommandTable(OperatorGate operators) => Operators = operators;

    /// <summary>Checks <c>/oper</c> and backs off after failures.</summary>
    public OperatorGate Operators { get; }

    public static CommandTable CreateDefault(ChatServerOptions options)
    {
        var table = new CommandTable(OperatorGate.FromOptions(options));
        IdentityCommands.Register(table);
        RoomCommands.Register(table);
        MessageCommands.Register(table);
        OperatorCommands.Register(table);
        return table;
    }

    public void Add(ChatCommand command) => _commands.Add(command.Name, command);

    /// <summary>Runs one line; returns a reason when the session should end, otherwise null.</summary>
    public async Task<string?> ExecuteAsync(IChatCommandHost server, Server.ChatSession session, string line, CancellationToken cancellationToken)
    {
        if (line.Length == 0 || (line[0] != '/' && string.IsNullOrWhiteSpace(line)))
        {
            return null;
        }

        if (line[0] != '/' || line.StartsWith("//", StringComparison.Ordinal))
        {
            var text = line[0] == '/' ? line[1..] : line;
            var say = new CommandContext(server, this, session, text, cancellationToken);
            await MessageCommands.SayAsync(say, Chat.ChatMessageKind.Say, text);
            return null;
        }

        var space = line.IndexOf(' ');
        var name = space < 0 ? line[1..] : line[1..space];
        var arguments = space < 0 ? string.Empty : line[(space + 1)..].Trim();
        var context = new CommandContext(server, this, session, arguments, cancellationToken);
        if (!_commands.TryGetValue(name, out var command))
        {
            await context.ErrorAsync("unknown-command", $"/{name} is not a command; /help lists them");
            return null;
        }

        if (command.OperatorOnly && !session.IsOperator)
        {
            await context.ErrorAsync("not-operator", $"/{command.Name} is for operators; see /oper");
            return null;
        }

        try
        {
            await command.ExecuteAsync(context);
        }
        catch (Storage.StoreUnavailableException)
        {
            // The database is away (a cluster's PostgreSQL restarting): the session stays, the command is refused.
            await context.ErrorAsync("store-unavailable", $"/{command.Name} failed: the chat database is unavailable; try again shortly");
        }

        return context.EndSession;
    }
}
