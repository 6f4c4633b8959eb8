using System.CommandLine;
using Switchboard.Cli.Infrastructure;
using Spectre.Console;

namespace Switchboard.Cli.Commands.Bench;

/// <summary><c>switchboard bench SCENARIO --target HOST:PORT ...</c>: load tests against loopback servers.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "pingpong | echo | fanout | connections" };
        scenario.OnlyFrom("pingpong", "echo", "fanout", "connections");
        var target = new Option<string?>("--target") { Description = "HOST:PORT of the server; loopback only (127.0.0.0/8, ::1, localhost). Several nodes of a chat cluster as HOST:PORT,HOST:PORT: clients are spread over them" };
        var unix = new Option<string?>("--unix") { Description = "Unix socket path of the server, instead of --target" };
        var clients = Infrastructure.CliValues.OptionalNumberOption("--clients", "Clients (connections); default 1, fanout 100, connections 1000", int.MinValue, int.MaxValue);
        var inFlight = Infrastructure.CliValues.OptionalNumberOption("--in-flight", "Messages in flight per client (echo, default 1000) or lines per sender not yet delivered everywhere (fanout, default 2)", int.MinValue, int.MaxValue);
        var size = Infrastructure.CliValues.IntOption("--size", "Message size in bytes", int.MinValue, int.MaxValue, 32);
        var duration = new Option<string?>("--duration") { Description = "How long to measure, after the warm-up (10s, 500ms, 2m); default 10s unless --count" };
        var count = Infrastructure.CliValues.OptionalNumberOption("--count", "Messages per client (per sender for fanout) instead of a duration", long.MinValue, long.MaxValue);
        var warmup = new Option<string>("--warmup") { Description = "Unmeasured run before a duration run", DefaultValueFactory = _ => "1s" };
        var timeout = new Option<string?>("--timeout") { Description = "Hard limit on the whole run; default duration + warm-up + 60s" };
        var tls = new Option<bool>("--tls", "--ssl") { Description = "Connect with TLS (any certificate accepted: the server is local and under test); --ssl is the same" };
        var senders = Infrastructure.CliValues.OptionalNumberOption("--senders", "fanout: how many clients send (default 10)", 1, int.MaxValue);
        var serverPid = Infrastructure.CliValues.OptionalNumberOption("--server-pid", "The server's process id: connections measures its memory (default: the owner of the listening socket); pingpong, echo and fanout report its CPU time per message (Linux)", 1, int.MaxValue);
        var rate = Infrastructure.CliValues.OptionalNumberOption("--rate", "fanout: lines per second from all senders together, evenly paced (a steady load, to read latency at); default as fast as --in-flight allows", int.MinValue, int.MaxValue);
        var json = new Option<bool>("--json") { Description = "Print one JSON object per run instead of the table" };

        var command = new Command("bench", "Measure a server on this machine: round-trip latency, echo throughput, chat fan-out, idle connections.");
        command.Arguments.Add(scenario);
        foreach (var option in new Option[] { target, unix, clients, inFlight, size, duration, count, warmup, timeout, tls, senders, serverPid, rate, json })
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => RunAsync(new BenchArguments
        {
            Scenario = result.GetValue(scenario) ?? "",
            Target = result.GetValue(target),
            Unix = result.GetValue(unix),
            Clients = result.GetValue(clients),
            InFlight = result.GetValue(inFlight),
            Size = result.GetValue(size),
            Duration = result.GetValue(duration),
            Count = result.GetValue(count),
            Warmup = result.GetValue(warmup) ?? "1s",
            Timeout = result.GetValue(timeout),
            Tls = result.GetValue(tls),
            Json = result.GetValue(json),
            Senders = result.GetValue(senders),
            ServerPid = result.GetValue(serverPid),
            Rate = result.GetValue(rate),
        }, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        if (!arguments.TryValidate(out var settings, out var error))
        {
            await Console.Error.WriteLineAsync($"switchboard bench: {error}");
            return Infrastructure.ExitCodes.Usage;
        }

        try
        {
            var interactive = !settings!.Json && !Console.IsOutputRedirected;
            var result = interactive
                ? await BenchDisplay.RunWithProgressAsync(AnsiConsole.Console, started => BenchRunner.RunAsync(settings, started, cancellationToken))
                : await BenchRunner.RunAsync(settings, null, cancellationToken);
            if (settings.Json)
            {
                await Console.Out.WriteLineAsync(BenchJson.Format(result));
            }
            else
            {
                BenchDisplay.WriteTable(AnsiConsole.Console, result);
            }

            return 0;
        }
        catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
        {
            await Console.Error.WriteLineAsync($"switchboard bench: {ex.Message}");
            return 1;
        }
    }
}
