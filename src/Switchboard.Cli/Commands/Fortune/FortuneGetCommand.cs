using System.CommandLine;
using System.Text;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Cli.Commands.Fortune;

/// <summary><c>switchboard fortune get</c>: reads one fortune and prints it.</summary>
internal static class FortuneGetCommand
{
    public const string ExitCodeHelp =
        "Exit codes: 0 fortune printed, 1 other failure, 2 invalid arguments, 3 host not found (or no socket at the local path), " +
        "4 connection refused, 5 timed out, 8 the server closed before a whole fortune arrived, 9 malformed data (or wrong --framing); 0 also when stopped by Ctrl-C or SIGTERM.";

    public static Command Create()
    {
        var host = new Argument<string?>("host") { Description = "Host name or IPv4/IPv6 address of the fortune server; HOST:PORT and [IPv6]:PORT work too.", Arity = ArgumentArity.ZeroOrOne, HelpName = "HOST[:PORT]" };
        var port = new Argument<string?>("port") { Description = "Port of the fortune server, unless given as HOST:PORT.", Arity = ArgumentArity.ZeroOrOne };
        var local = new Option<string?>("--local", "-L")
        {
            Description = "Read from a local-socket server instead: a bare name as in Qt (in $TMPDIR, else the system temp folder), or a socket path.",
            HelpName = "NAME-OR-PATH",
        };
        var framing = FortuneCommand.FramingOption();
        var timeout = new Option<TimeSpan>("--timeout", "-w")
        {
            Description = "How long connecting and reading the whole fortune may take (5s, 500ms, 1m).",
            CustomParser = ParseTimeout,
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
        };
        var fresh = new Option<bool>("--new", "-n") { Description = "Print a fortune different from the one this command printed last time for this server, asking again (up to 5 requests) while the server repeats it, as Qt's fortune client does." };
        var command = new Command("get", "Ask a fortune server for one fortune and print it (one connection, as Qt's fortune client). Without --framing, the framing is detected from the answer.\n" + ExitCodeHelp)
        {
            host, port, local, framing, timeout, fresh,
        };

        CliValues.AddValidator(command, result =>
        {
            bool hasHost = result.GetValue(host) is not null;
            bool hasLocal = result.GetValue(local) is not null;
            if (hasHost == hasLocal)
            {
                result.AddError("give either HOST PORT (or HOST:PORT) or --local NAME-OR-PATH");
            }
            else if (hasHost && !HostPort.TryParse(result.GetValue(host)!, result.GetValue(port), null, out _, out var error))
            {
                result.AddError(error);
            }
        });

        command.SetAction((result, cancellationToken) =>
        {
            string? name = result.GetValue(local);
            var options = new FortuneClientOptions
            {
                // No --framing: detect it from the answer (Qt 5, Qt 4 style and Qt's local servers alike).
                Framing = result.GetValue(framing) is { } text ? FortuneCommand.ResolveFraming(text, name is not null) : null,
                Timeout = result.GetValue(timeout),
            };
            FortuneClient client = name is not null
                ? FortuneClient.ForLocal(name, options)
                : ForTcp(result.GetValue(host)!, result.GetValue(port), options);
            return RunAsync(client, result.GetValue(fresh) ? new LastFortuneFile(client.Server) : null, cancellationToken);
        });
        return command;
    }

    private static FortuneClient ForTcp(string target, string? port, FortuneClientOptions options)
    {
        // Checked by the validator already; read again here rather than passing parsed state around.
        HostPort.TryParse(target, port, null, out var address, out _);
        return FortuneClient.ForTcp(address.Host, address.Port, options);
    }

    private static TimeSpan ParseTimeout(System.CommandLine.Parsing.ArgumentResult result)
    {
        TimeSpan value = Durations.Parse(result, TimeSpan.FromSeconds(5));
        if (value <= TimeSpan.Zero)
        {
            result.AddError("--timeout must be more than 0");
        }

        return value;
    }

    internal static int ExitCodeFor(FortuneError error) => error switch
    {
        FortuneError.HostNotFound => ExitCodes.HostNotFound,
        FortuneError.Refused => ExitCodes.Refused,
        FortuneError.TimedOut => ExitCodes.TimedOut,
        FortuneError.ClosedEarly => ExitCodes.ConnectionLost,
        FortuneError.Malformed => ExitCodes.Malformed,
        _ => ExitCodes.Failure,
    };

    private static async Task<int> RunAsync(FortuneClient client, LastFortuneFile? last, CancellationToken cancellationToken)
    {
        try
        {
            string fortune = last is null
                ? await client.GetFortuneAsync(cancellationToken)
                : await client.GetNewFortuneAsync(last.Read(), cancellationToken);
            if (last?.Write(fortune) is { } problem)
            {
                await Console.Error.WriteLineAsync($"switchboard fortune get: {problem}");
            }

            // Raw UTF-8 bytes: the console encoding follows the locale, and a fortune must not lose its accents.
            // Its line breaks stay; escape sequences from the server are shown, not obeyed.
            await using Stream stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(TerminalText.Escape(fortune, keepLineBreaks: true) + "\n"), CancellationToken.None);
            return ExitCodes.Ok;
        }
        catch (FortuneException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard fortune get: {ex.Message}");
            return ExitCodeFor(ex.Error);
        }
        catch (OperationCanceledException)
        {
                        return ExitCodes.Stopped;
        }
    }
}
