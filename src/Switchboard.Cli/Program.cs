using System.CommandLine;
using Switchboard.Cli.Commands.Bench;
using Switchboard.Cli.Commands.Connect;
using Switchboard.Cli.Commands.Listen;

namespace Switchboard.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = BuildRootCommand();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            // Bad usage gets one line per problem and its own exit code, so scripts can tell it from a failure.
            var command = CommandPath(parsed.CommandResult);
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"{command}: {error.Message}");
            }

            Console.Error.WriteLine($"Run '{command} --help' for usage.");
            return Infrastructure.ExitCodes.Usage;
        }

        return parsed.Invoke();
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current is not null; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, current.Parent is null ? "switchboard" : current.Command.Name);
        }

        return string.Join(' ', names);
    }

    internal static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("Switchboard: TCP, TLS, Unix-socket and UDP client-server tools (chat, fortune, netcat-style listen/connect, bench).");
        root.Subcommands.Add(ListenCommand.Create());
        root.Subcommands.Add(ConnectCommand.Create());
        root.Subcommands.Add(Commands.Serve.ServeCommand.Create());
        root.Subcommands.Add(Commands.Chat.ChatCommand.Create());
        root.Subcommands.Add(Commands.Fortune.FortuneCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
