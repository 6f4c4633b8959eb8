using System.CommandLine;
using System.Net;
using Switchboard.Cli.Commands.Listen;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;
using Switchboard.Net.Qt;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Cli.Commands.Fortune;

/// <summary><c>switchboard fortune serve</c>: answers each connection with one random fortune, then closes.</summary>
internal static class FortuneServeCommand
{
    public const string ExitCodeHelp =
        "Exit codes: 0 stopped by Ctrl-C or SIGTERM, 1 other failure, 2 invalid arguments, unusable --file or --host, " +
        "7 address in use (or a live server owns the socket path).";

    public static Command Create()
    {
        var port = CliValues.PortOption("--port", "TCP port to listen on (0 picks a free one; the bound endpoint is printed on start).", allowZero: true, "-p");
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on with --port: 127.0.0.1 by default (this machine only); 0.0.0.0 or :: for all interfaces.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var local = new Option<string?>("--local", "-L")
        {
            Description = "Listen on a local socket instead: a bare name as in Qt (in $TMPDIR, else the system temp folder), or a socket path. A stale socket file is replaced; a live server's is left alone.",
            HelpName = "NAME-OR-PATH",
        };
        var framing = FortuneCommand.FramingOption();
        var file = new Option<FileInfo?>("--file", "-f") { Description = "UTF-8 text file with one fortune per line (blank lines ignored); a built-in list otherwise." };
        var command = new Command("serve", "Serve fortunes as Qt's fortune servers do: each connection gets one random fortune (never the same twice in a row to one client address) and is closed.\n" + ExitCodeHelp)
        {
            port, host, local, framing, file,
        };

        CliValues.AddValidator(command, result =>
        {
            bool hasPort = result.GetValue(port) is not null;
            bool hasLocal = result.GetValue(local) is not null;
            if (hasPort == hasLocal)
            {
                result.AddError("give either --port N or --local NAME-OR-PATH");
            }
            else if (hasLocal && result.GetResult(host) is { Implicit: false })
            {
                result.AddError("--host goes with --port, not --local");
            }
            else if (hasPort && !ListenCommand.TryParseAddress(result.GetValue(host) ?? "127.0.0.1", out _))
            {
                result.AddError(ListenCommand.HostError(result.GetValue(host) ?? "127.0.0.1"));
            }
        });

        command.SetAction((result, _) => RunAsync(
            result.GetValue(port),
            result.GetValue(host)!,
            result.GetValue(local),
            result.GetValue(framing),
            result.GetValue(file)));
        return command;
    }

    private static async Task<int> RunAsync(int? port, string host, string? local, string? framingName, FileInfo? file)
    {
        using var signal = new ShutdownSignal();
        FortuneFraming framing = FortuneCommand.ResolveFraming(framingName, local is not null);
        FortuneServer server;
        ListenerOptions options;
        try
        {
            IReadOnlyList<string> fortunes = file is null ? BuiltInFortunes.All : await FortuneFile.ReadAsync(file, signal.Token);
            server = new FortuneServer(fortunes, framing);
            options = local is not null
                ? ListenerOptions.Unix(QtLocalSocketPath.Resolve(local))
                : ListenerOptions.Tcp(ListenCommand.ParseAddress(host), port!.Value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"switchboard fortune serve: {ex.Message}");
            return ExitCodes.Usage;
        }

        try
        {
            await using SwitchboardListener listener = await SwitchboardListener.StartAsync(options, server.HandleConnectionAsync, cancellationToken: signal.Token);
            string kind = listener.TransportKind.ToString().ToLowerInvariant();
            await Console.Error.WriteLineAsync($"listening on {kind} {Describe(listener.BoundEndPoint)} ({FortuneCommand.Name(framing)} framing, {server.Fortunes.Count} fortunes)");
            try
            {
                await Task.Delay(Timeout.Infinite, signal.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await listener.ShutdownAsync(CancellationToken.None);
            return ExitCodes.Ok;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard fortune serve: {ex.Message}");
            return ex.Message.Contains("in use", StringComparison.Ordinal) || ex.Message.Contains("another server", StringComparison.Ordinal) ? ExitCodes.AddressInUse : ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Stopped;
        }
    }

    // Unix paths without the "unix:" prefix, so the line reads the same as Qt's server name.
    private static string Describe(EndPoint endPoint) => endPoint is IPEndPoint ? SwitchboardConnection.DescribeEndPoint(endPoint) : endPoint.ToString() ?? "?";
}
