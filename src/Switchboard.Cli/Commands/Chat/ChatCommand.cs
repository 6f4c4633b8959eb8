using System.CommandLine;
using System.Globalization;

namespace Switchboard.Cli.Commands.Chat;

/// <summary><c>switchboard chat HOST[:PORT]</c>: the terminal chat client.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var target = new Argument<string?>("HOST[:PORT]") { Description = "Server to join (default 127.0.0.1:8899); [v6]:PORT for IPv6; several nodes of a cluster as HOST1:PORT1,HOST2:PORT2 (tried in turn when one is gone)", Arity = ArgumentArity.ZeroOrOne };
        var nick = new Option<string?>("--nick", "-n") { Description = "Nickname to take" };
        var room = new Option<string>("--room", "-r") { Description = "Room to join", DefaultValueFactory = _ => "lobby" };
        var tls = new Option<bool>("--tls") { Description = "Connect with TLS" };
        var ca = new Option<string?>("--ca") { Description = "PEM file of CA certificates to trust (implies --tls)" };
        var insecure = new Option<bool>("--insecure") { Description = "Accept any server certificate (testing only; implies --tls)" };
        var unix = new Option<string?>("--unix") { Description = "Connect to a Unix socket instead of TCP" };
        var command = new Command("chat", "Chat in a terminal: coloured messages, a status line, automatic reconnect that resumes where it left off. Works with stdin/stdout redirected, too.")
        {
            target, nick, room, tls, ca, insecure, unix,
        };

        command.SetAction(parse =>
        {
            var settings = new ChatClientSettings
            {
                Nick = parse.GetValue(nick),
                Room = parse.GetValue(room) ?? "lobby",
                UnixPath = parse.GetValue(unix),
                Tls = parse.GetValue(tls) || parse.GetValue(ca) is not null || parse.GetValue(insecure),
                CaFile = parse.GetValue(ca),
                Insecure = parse.GetValue(insecure),
            };

            if (settings.UnixPath is null)
            {
                settings.Servers.Clear();
                foreach (var one in (parse.GetValue(target) ?? "127.0.0.1").Split(','))
                {
                    if (!TryParseTarget(one.Trim(), out var h, out var p))
                    {
                        Console.Error.WriteLine($"switchboard chat: cannot read \"{one}\" as HOST[:PORT]");
                        return 2;
                    }

                    settings.Servers.Add((h, p));
                }
            }

            return ChatClientApp.Run(settings);
        });
        return command;
    }

    internal static bool TryParseTarget(string text, out string host, out int port)
    {
        host = text;
        port = 8899;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':')
                {
                    return false;
                }

                portText = text[(close + 2)..];
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':');
            host = text[..colon];
            portText = text[(colon + 1)..];
        }

        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return false;
        }

        return host.Length > 0;
    }
}
