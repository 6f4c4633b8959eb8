using System.CommandLine;

namespace Switchboard.Cli.Commands.Chat;

/// <summary><c>switchboard chat HOST[:PORT]</c>: the terminal chat client.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var target = new Argument<string?>("HOST[:PORT]") { Description = "Server to join (default 127.0.0.1:8899); [v6]:PORT for IPv6; several nodes of a cluster as HOST1:PORT1,HOST2:PORT2 (tried in turn when one is gone)", Arity = ArgumentArity.ZeroOrOne };
        var port = new Argument<string?>("port") { Description = "Port, as a separate word (HOST PORT, as for connect; one server only)", Arity = ArgumentArity.ZeroOrOne };
        var nick = new Option<string?>("--nick", "-n") { Description = "Nickname to take" };
        var room = new Option<string>("--room", "-r") { Description = "Room to join", DefaultValueFactory = _ => "lobby" };
        var tls = new Option<bool>("--tls", "--ssl") { Description = "Connect with TLS (--ssl is the same, ncat's name)" };
        var ca = new Option<string?>("--ca") { Description = "PEM file of CA certificates to trust (implies --tls)" };
        var insecure = new Option<bool>("--insecure") { Description = "Accept any server certificate (testing only; implies --tls)" };
        var unix = new Option<string?>("--unix") { Description = "Connect to a Unix socket instead of TCP" };
        var timeout = Infrastructure.CliValues.DurationOption("--timeout", "Connect timeout of each attempt, the TLS handshake included (default 3s, as connect's); an attempt that runs out moves on to the next server", "-w");
        var heartbeat = HeartbeatFlag.Create();
        var command = new Command("chat", "Chat in a terminal: coloured messages, a status line, automatic reconnect that resumes where it left off. Works with stdin/stdout redirected, too.")
        {
            target, port, nick, room, tls, ca, insecure, unix, timeout, heartbeat,
        };

        Infrastructure.CliValues.AddValidator(command, result =>
        {
            if (result.GetValue(unix) is not null && result.GetValue(target) is not null)
            {
                result.AddError("give either HOST[:PORT] or --unix PATH, not both");
            }
            else if (result.GetValue(target) is { } text)
            {
                var nodes = text.Split(',', StringSplitOptions.TrimEntries);
                if (nodes.Length > 1 && result.GetValue(port) is not null)
                {
                    result.AddError("give the port inside each HOST:PORT when naming several servers");
                }

                foreach (var node in nodes)
                {
                    if (!Infrastructure.HostPort.TryParse(node, nodes.Length > 1 ? null : result.GetValue(port), ChatServerDefaultPort, out _, out var error))
                    {
                        result.AddError(error);
                        break;
                    }
                }
            }
        });

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
                ConnectTimeout = parse.GetValue(timeout),
            };
            if (parse.GetValue(heartbeat) is { } beat)
            {
                settings.HeartbeatInterval = beat.Interval;
                settings.HeartbeatTimeout = beat.Timeout;
            }

            if (settings.UnixPath is null)
            {
                settings.Servers.Clear();
                foreach (var address in Servers(parse.GetValue(target) ?? "127.0.0.1", parse.GetValue(port)))
                {
                    settings.Servers.Add((address.Host, address.Port));
                }
            }

            return ChatClientApp.Run(settings);
        });
        return command;
    }

    private const int ChatServerDefaultPort = 8899;

    /// <summary>The servers of HOST[:PORT][,HOST[:PORT]...], already checked by the validator.</summary>
    private static IEnumerable<Infrastructure.HostPort> Servers(string text, string? port)
    {
        var nodes = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var node in nodes)
        {
            Infrastructure.HostPort.TryParse(node, nodes.Length > 1 ? null : port, ChatServerDefaultPort, out var address, out _);
            yield return address;
        }
    }
}
