using Switchboard.Cli.Commands.Bench.Scenarios;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>Runs one scenario to its result; the display watches <see cref="BenchRun"/> meanwhile.</summary>
internal static class BenchRunner
{
    public static async Task<BenchResult> RunAsync(BenchSettings settings, Action<BenchRun>? started = null, CancellationToken cancellationToken = default)
    {
        using var run = new BenchRun(settings, settings.Clients, cancellationToken);
        started?.Invoke(run);
        try
        {
            return settings.Scenario switch
            {
                BenchScenario.PingPong => await PingPongScenario.RunAsync(run),
                BenchScenario.Echo => await EchoScenario.RunAsync(run),
                BenchScenario.Fanout => await FanoutScenario.RunAsync(run),
                BenchScenario.Connections => await ConnectionsScenario.RunAsync(run),
                _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Scenario, "unknown scenario"),
            };
        }
        catch (OperationCanceledException) when (run.Aborted.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new BenchException($"the run did not finish within its timeout of {settings.Timeout.TotalSeconds:0.#} s (phase: {run.Phase})");
        }
    }
}
