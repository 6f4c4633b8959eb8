using System.CommandLine;
using System.CommandLine.Parsing;
using Switchboard.Cli.Commands.Bench;
using Switchboard.Cli.Commands.Connect;
using Switchboard.Cli.Commands.Listen;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = BuildRootCommand();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            return UsageErrors.Report(parsed, args);
        }

        try
        {
            // Our own handler instead of System.CommandLine's, which prints the whole exception: a user sees one
            // line about what went wrong, and the trace only with --debug.
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            var command = UsageErrors.CommandPath(parsed.CommandResult);
            Console.Error.WriteLine(parsed.GetValue(GlobalOptions.Debug)
                ? $"{command}: unexpected error: {ex}"
                : $"{command}: unexpected error: {ex.Message} (run again with --debug for details)");
            return ExitCodes.Failure;
        }
    }

    internal static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("Switchboard: TCP, TLS, Unix-socket and UDP client-server tools (chat, fortune, netcat-style listen/connect, bench).")
        {
            GlobalOptions.Verbose,
            GlobalOptions.Quiet,
            GlobalOptions.Debug,
        };
        root.Subcommands.Add(ListenCommand.Create());
        root.Subcommands.Add(ConnectCommand.Create());
        root.Subcommands.Add(Commands.Serve.ServeCommand.Create());
        root.Subcommands.Add(Commands.Chat.ChatCommand.Create());
        root.Subcommands.Add(Commands.Fortune.FortuneCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(Commands.Completion.CompletionCommand.Create(root));
        return root;
    }
}
