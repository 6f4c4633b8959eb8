using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Listen;

internal enum ListenMode
{
    Print,
    Echo,
    Relay,
}

/// <summary><c>switchboard listen</c>: the Qt server window in a terminal, in the manner of <c>nc -l</c>.</summary>
internal static class ListenCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port", "-p") { Description = "TCP (or UDP) port to listen on; 0 picks a free one and prints it." };
        var host = new Option<string>("--host") { Description = "Address to bind: 127.0.0.1 (default), ::1, 0.0.0.0 or :: for all.", DefaultValueFactory = _ => "127.0.0.1" };
        var unix = new Option<string?>("--unix", "-U") { Description = "Listen on a Unix domain socket at this path instead of TCP." };
        var tls = new Option<bool>("--tls") { Description = "Speak TLS (needs --cert and --key)." };
        var cert = new Option<FileInfo?>("--cert") { Description = "Server certificate: PEM (with --key) or PFX/PKCS#12." };
        var key = new Option<FileInfo?>("--key") { Description = "PEM private key of --cert." };
        var udp = new Option<bool>("--udp", "-u") { Description = "Listen for UDP datagrams instead of TCP connections." };
        var mode = new Option<ListenMode>("--mode", "-m") { Description = "print: show what clients send, send stdin to all; echo: send every byte back; relay: each line goes to all other clients.", DefaultValueFactory = _ => ListenMode.Print };
        var maxConns = new Option<int>("--max-conns") { Description = "Most connections open at once; more are turned away.", DefaultValueFactory = _ => 1000 };
        var hex = new Option<bool>("--hex", "-x") { Description = "Show received bytes as a hex dump and read stdin as hex." };
        var join = new Option<string[]>("--join") { Description = "With --udp: join this IPv4 or IPv6 multicast group (repeatable). Binds the any address of its family unless --host is given." };
        var command = new Command("listen", "Listen for connections (the Qt server window, in a terminal): print, echo or relay.\n" + ExitCodes.Help)
        {
            port, host, unix, tls, cert, key, udp, mode, maxConns, hex, join,
        };

        command.Validators.Add(result =>
        {
            var hasPort = result.GetValue(port) is not null;
            var hasUnix = result.GetValue(unix) is not null;
            if (hasPort == hasUnix)
            {
                result.AddError("give either --port N or --unix PATH");
            }

            if (result.GetValue(tls) && result.GetValue(cert) is null)
            {
                result.AddError("--tls needs --cert (and --key for a PEM certificate)");
            }

            if (result.GetValue(udp) && (hasUnix || result.GetValue(tls)))
            {
                result.AddError("--udp works with --port only (no --unix, no --tls)");
            }

            if (result.GetValue(join) is { Length: > 0 } groups)
            {
                if (!result.GetValue(udp))
                {
                    result.AddError("--join needs --udp");
                }
                else if (MulticastGroups.Check(groups) is { } error)
                {
                    result.AddError(error);
                }
            }
        });

        command.SetAction((result, _) =>
        {
            var settings = new ListenSettings(
                result.GetValue(port),
                result.GetValue(host)!,
                result.GetValue(unix),
                result.GetValue(tls) ? result.GetValue(cert) : null,
                result.GetValue(key),
                result.GetValue(udp),
                result.GetValue(mode),
                result.GetValue(maxConns),
                result.GetValue(hex),
                MulticastGroups.Parse(result.GetValue(join) ?? []),
                result.GetResult(host) is { Implicit: false });
            return RunAsync(settings);
        });
        return command;
    }

    private static async Task<int> RunAsync(ListenSettings settings)
    {
        using var signal = new ShutdownSignal();
        using var loggerFactory = ConsoleLogging.Create();
        var logger = loggerFactory.CreateLogger("listen");
        try
        {
            if (settings.Udp)
            {
                return await UdpListen.RunAsync(settings, logger, signal.Token);
            }

            return await TcpListen.RunAsync(settings, loggerFactory, logger, signal.Token);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard listen: {ex.Message}");
            return ex.Message.Contains("in use", StringComparison.Ordinal) || ex.Message.Contains("another server", StringComparison.Ordinal) ? ExitCodes.AddressInUse : ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"switchboard listen: {ex.Message}");
            return ExitCodes.Usage;
        }
    }

    internal static IPAddress ParseAddress(string host) => host.Trim('[', ']') switch
    {
        "localhost" => IPAddress.Loopback,
        "*" => IPAddress.Any,
        var text when IPAddress.TryParse(text, out var address) => address,
        _ => throw new FormatException($"--host '{host}' is not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or ::)"),
    };
}

internal sealed record ListenSettings(int? Port, string Host, string? Unix, FileInfo? Cert, FileInfo? Key, bool Udp, ListenMode Mode, int MaxConnections, bool Hex, IReadOnlyList<IPAddress> Join, bool HostGiven);
