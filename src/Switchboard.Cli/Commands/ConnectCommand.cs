using System.CommandLine;

namespace Switchboard.Cli.Commands;

internal static class ConnectCommand
{
    public static Command Create()
    {
        var command = new Command("connect", "Connect to a server: stdin to the socket, the socket to stdout.");
        command.SetAction(_ => 0);
        return command;
    }
}
