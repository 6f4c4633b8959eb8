using System.Globalization;
using System.Numerics;
using Switchboard.Fuzz.Engine;
using Switchboard.Fuzz.Targets;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Fuzz;

/// <summary>
/// The fuzzer for every reader: generated and mutated inputs, seeded and reproducible. Not part of the test run.
/// Usage: switchboard-fuzz [--target NAME[,NAME...]] [--seed N] [--iterations N] [--time SECONDS] [--case N] [--list]
/// Exit 0: no failure; 1: a property failed (the input is printed in hex); 2: bad usage.
/// </summary>
internal static class Program
{
    private static readonly Func<IFuzzTarget>[] s_targets =
    [
        () => new LineTarget(),
        () => new LengthPrefixTarget(),
        () => new QDataStreamTarget(),
        () => new FortuneTarget(FortuneFraming.Qt5),
        () => new FortuneTarget(FortuneFraming.Qt4),
        () => new FortuneTarget(FortuneFraming.Local),
        () => new WebJsonTarget(),
        () => new WebSocketTarget(),
        () => new ChatLinesTarget(),
    ];

    public static int Main(string[] args)
    {
        ulong seed = 1;
        long iterations = 0;
        var time = TimeSpan.FromSeconds(60);
        long? onlyCase = null;
        string[]? only = null;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--seed": seed = Number<ulong>(value, "--seed"); i++; break;
                    case "--iterations": iterations = Number<long>(value, "--iterations"); i++; break;
                    case "--time": time = TimeSpan.FromSeconds(Number<double>(value, "--time")); i++; break;
                    case "--case": onlyCase = Number<long>(value, "--case"); i++; break;
                    case "--target": only = Need(value, "--target").Split(','); i++; break;
                    case "--list":
                        foreach (var make in s_targets)
                        {
                            using var t = make();
                            Console.WriteLine($"{t.Name,-16} {t.Summary}");
                        }

                        return 0;
                    default: throw new FormatException($"unknown option '{args[i]}'");
                }
            }

            if (iterations < 0 || time <= TimeSpan.Zero)
            {
                throw new FormatException("--iterations must be 0 (no limit) or more, and --time more than 0");
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            Console.Error.WriteLine($"switchboard-fuzz: {ex.Message}. Usage: [--target NAME[,NAME]] [--seed N] [--iterations N] [--time SECONDS] [--case N] [--list]");
            return 2;
        }

        var targets = s_targets.Select(make => make()).ToList();
        if (only is not null)
        {
            var unknown = only.Where(n => targets.TrueForAll(t => t.Name != n)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"switchboard-fuzz: no target named {string.Join(", ", unknown)}; --list shows them");
                return 2;
            }

            foreach (var skipped in targets.Where(t => !only.Contains(t.Name)))
            {
                skipped.Dispose();
            }

            targets = [.. targets.Where(t => only.Contains(t.Name))];
        }

        Console.WriteLine($"seed {seed}, {(iterations > 0 ? $"{iterations} cases or " : "")}{time.TotalSeconds:0.#} s per target{(onlyCase is { } c ? $", case {c} only" : "")}");
        var failed = 0;
        foreach (var target in targets)
        {
            var result = Runner.Run(target, seed, iterations, time, onlyCase, Console.Out);
            failed += result.Failures;
            Console.WriteLine($"{result.Target,-16} {result.Cases,12:N0} inputs in {result.Elapsed.TotalSeconds,6:0.0} s = {result.PerSecond,10:N0} inputs/s, {result.Failures} failures");
        }

        return failed == 0 ? 0 : 1;
    }

    private static string Need(string? value, string option) => value ?? throw new FormatException($"{option} needs a value");

    private static T Number<T>(string? value, string option) where T : INumber<T>
        => T.TryParse(Need(value, option), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && (typeof(T) == typeof(double) || T.IsInteger(number))
            ? number
            : throw new FormatException($"{option} takes a number, not '{value}'");
}
