using System.Diagnostics;

namespace Switchboard.Fuzz.Engine;

/// <summary>
/// Runs one target for a number of cases or a time, whichever ends first, and reports inputs/s. A failing case is
/// printed with its input in hex (also written to a file) and the command that replays it alone. Every case is also
/// held to an allocation bound: a reader that allocates from a length field instead of the bytes it has fails here.
/// </summary>
internal static class Runner
{
    public static Result Run(IFuzzTarget target, ulong seed, long iterations, TimeSpan time, long? onlyCase, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var current = new FuzzCase();
        var failures = 0;
        long cases = 0;
        var first = onlyCase ?? 0;
        var last = onlyCase ?? (iterations > 0 ? iterations - 1 : long.MaxValue);
        for (var index = first; index <= last; index++)
        {
            if (onlyCase is null && clock.Elapsed >= time)
            {
                break;
            }

            var rng = new Rng(Rng.CaseSeed(seed, target.Name, index));
            current.Input = [];
            current.Settings = "";
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                target.Run(rng, current);
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                var bound = AllocationBound(current.Input.Length);
                if (allocated > bound)
                {
                    throw new FuzzFailure($"one input of {current.Input.Length} bytes allocated {allocated} bytes (bound {bound})");
                }
            }
            catch (Exception ex)
            {
                failures++;
                Report(output, target, seed, index, current, ex as FuzzFailure ?? new FuzzFailure($"the harness itself failed: {ex}", ex));
                if (failures >= 5)
                {
                    output.WriteLine($"{target.Name}: stopping after 5 failures");
                    cases++;
                    break;
                }
            }

            cases++;
        }

        try
        {
            target.Dispose();
        }
        catch (Exception ex)
        {
            failures++;
            Report(output, target, seed, -1, current, ex as FuzzFailure ?? new FuzzFailure(ex.ToString(), ex));
        }

        clock.Stop();
        return new Result(target.Name, cases, clock.Elapsed, failures);
    }

    /// <summary>What one case may allocate: generous for the generator and the harness, far below a length field's 4 GiB.</summary>
    private static long AllocationBound(int inputLength) => (64L * 1024 * 1024) + (64L * inputLength);

    private static void Report(TextWriter output, IFuzzTarget target, ulong seed, long index, FuzzCase current, FuzzFailure failure)
    {
        var hex = Convert.ToHexString(current.Input);
        var file = Path.Combine(Path.GetTempPath(), $"switchboard-fuzz-{target.Name}-{seed}-{index}.hex");
        File.WriteAllText(file, hex + "\n");
        output.WriteLine($"FAIL {target.Name} case {index} (seed {seed}) {current.Settings}");
        output.WriteLine($"  {failure.Message.Replace("\n", "\n  ", StringComparison.Ordinal)}");
        if (failure.InnerException is { } inner && failure.Message.IndexOf(" at ", StringComparison.Ordinal) < 0)
        {
            output.WriteLine($"  {inner.GetType().Name} at:\n{inner.StackTrace}");
        }

        output.WriteLine($"  input ({current.Input.Length} bytes): {(hex.Length > 512 ? hex[..512] + "..." : hex)}");
        output.WriteLine($"  full input: {file}");
        output.WriteLine($"  replay: dotnet run --project bench/Switchboard.Fuzz -c Release -- --target {target.Name} --seed {seed} --case {index}");
    }

    public sealed record Result(string Target, long Cases, TimeSpan Elapsed, int Failures)
    {
        public double PerSecond => Cases / Math.Max(Elapsed.TotalSeconds, 1e-9);
    }
}
