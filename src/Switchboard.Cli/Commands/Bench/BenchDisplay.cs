using System.Globalization;
using Spectre.Console;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>The human output: a live line of progress while the run goes (terminals only), then a table.</summary>
internal static class BenchDisplay
{
    public static async Task<BenchResult> RunWithProgressAsync(IAnsiConsole console, Func<Action<BenchRun>, Task<BenchResult>> execute)
    {
        BenchRun? run = null;
        var task = execute(r => run = r);
        await console.Status().Spinner(Spinner.Known.Dots).StartAsync("starting", async context =>
        {
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(250));
                if (run is { } current)
                {
                    var (messages, bytes) = current.Counters.Snapshot();
                    var seconds = Math.Max(current.Elapsed.TotalSeconds, 1e-3);
                    context.Status(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"{current.Phase}: {current.Elapsed.TotalSeconds:0.0} s, {messages:N0} messages, {messages / seconds:N0} msg/s, {bytes / seconds / 1048576:N1} MiB/s (running average)")));
                }
            }
        });
        return await task;
    }

    public static void WriteTable(IAnsiConsole console, BenchResult result)
    {
        var s = result.Settings;
        console.MarkupLine($"[bold]switchboard bench {s.Scenario.ToString().ToLowerInvariant()}[/] → {Markup.Escape(s.Target.Display)}");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("figure");
        table.AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

        Row("transport", s.Target.IsUnix ? "unix" : s.Tls ? "tls" : "tcp");
        Row("clients", F(s.Clients));
        if (s.Scenario is BenchScenario.Echo or BenchScenario.Fanout)
        {
            Row("in flight", F(s.InFlight));
        }

        if (s.Scenario != BenchScenario.Connections)
        {
            Row("message size", $"{F(s.Size)} B");
        }

        Row("measured", $"{result.DurationSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s");
        Row(s.Scenario == BenchScenario.Fanout ? "deliveries" : s.Scenario == BenchScenario.Connections ? "connections" : "messages", F(result.Measurement.Messages));
        Row(s.Scenario == BenchScenario.Connections ? "connects/s" : "messages/s", F(result.MessagesPerSecond));
        if (s.Scenario != BenchScenario.Connections)
        {
            Row("MiB/s", result.MebibytesPerSecond.ToString("0.00", CultureInfo.InvariantCulture));
        }

        if (result.Latency is { Count: > 0 } latency)
        {
            foreach (var (label, percentile) in new[] { ("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99.9", 99.9) })
            {
                Row($"{label} latency", Us(latency.ValueAtPercentile(percentile)));
            }

            Row("max latency", Us(latency.Max));
        }

        foreach (var (name, value) in result.Figures)
        {
            Row(name.Replace('_', ' '), F(value));
        }

        console.Write(table);
    }

    private static string F(double value) => value.ToString(Math.Abs(value) >= 100 || value == Math.Floor(value) ? "N0" : "N2", CultureInfo.InvariantCulture);

    private static string Us(long nanoseconds) => $"{BenchResult.Microseconds(nanoseconds).ToString("0.0", CultureInfo.InvariantCulture)} µs";
}
