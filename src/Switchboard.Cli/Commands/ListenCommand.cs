using System.CommandLine;

namespace Switchboard.Cli.Commands;

internal static class ListenCommand
{
    public static Command Create()
    {
        var command = new Command("listen", "Listen for connections (the Qt server window, in a terminal).");
        command.SetAction(_ => 0);
        return command;
    }
}
