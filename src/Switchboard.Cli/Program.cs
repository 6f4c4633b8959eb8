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
        return root.Parse(args).Invoke();
    }

    internal static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("Switchboard: TCP, TLS, Unix-socket and UDP client-server tools (chat, fortune, netcat-style listen/connect, bench).");
        root.Subcommands.Add(ListenCommand.Create());
        root.Subcommands.Add(ConnectCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
