using Switchboard.Fuzz.Engine;
using Switchboard.Net.Framing;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// The properties every pipe reader shares, whatever its framing: valid frames round-trip; mutated or random bytes
/// raise nothing but <see cref="FramingException"/>; nothing over the maximum is buffered; and the same bytes cut
/// at any points (including every single offset, for short inputs) give exactly the same messages and errors.
/// </summary>
internal abstract class FramingTarget<T> : IFuzzTarget
{
    public abstract string Name { get; }

    public abstract string Summary { get; }

    /// <summary>A reader with settings chosen by <paramref name="rng"/> (small maximums often, so limits are hit).</summary>
    protected abstract Setup CreateReader(Rng rng);

    /// <summary>Valid frames for the setup, and how each message is described once read back.</summary>
    protected abstract (byte[] Bytes, List<string> Messages) Valid(Rng rng, Setup setup);

    protected abstract string Describe(T message);

    public void Run(Rng rng, FuzzCase current)
    {
        var setup = CreateReader(rng);
        current.Settings = setup.Settings;
        var (valid, messages) = Valid(rng, setup);
        var mode = rng.Below(100);
        var input = mode switch
        {
            < 15 => valid,
            < 25 => rng.Bytes(rng.Below(64)),
            _ => Mutator.Mutate(rng, valid, setup.Lengths, Valid(rng, setup).Bytes),
        };
        current.Input = input;

        var whole = Feed(setup, input, [], rng.Pick(s_segments));
        if (mode < 15)
        {
            var expected = string.Join("\n", messages.Append("end"));
            if (whole != expected)
            {
                throw new FuzzFailure($"valid frames did not round-trip.\nexpected:\n{expected}\ngot:\n{whole}");
            }
        }

        var cuts = Mutator.Cuts(rng, input.Length);
        Same(whole, Feed(setup, input, cuts, rng.Pick(s_segments)), $"cut at {string.Join(",", cuts.Take(20))}{(cuts.Length > 20 ? ",..." : "")}");
        if (input.Length <= 48 && rng.Chance(10))
        {
            for (var at = 1; at < input.Length; at++)
            {
                Same(whole, Feed(setup, input, [at], 16), $"cut at {at}");
            }
        }

        Extra(rng, setup, input, valid);
    }

    /// <summary>Further checks of a target (the fortune framing detector).</summary>
    protected virtual void Extra(Rng rng, Setup setup, byte[] input, byte[] valid)
    {
    }

    public virtual void Dispose()
    {
    }

    private string Feed(Setup setup, byte[] input, int[] cuts, int segment)
        => PipeHarness.Run(setup.Reader, input, cuts, segment, setup.RetainBound, Describe);

    private static void Same(string whole, string split, string how)
    {
        if (whole != split)
        {
            throw new FuzzFailure($"the same bytes {how} read differently.\nin one piece:\n{Clip(whole)}\n{how}:\n{Clip(split)}");
        }
    }

    private static string Clip(string s) => s.Length > 2000 ? s[..2000] + "..." : s;

    private static readonly int[] s_segments = [1, 7, 16, 64, 4096];

    /// <summary>A reader, the most it may keep buffered, the length values worth writing into its fields, and its settings for the report.</summary>
    protected sealed record Setup(IMessageReader<T> Reader, long RetainBound, long[] Lengths, string Settings, int Max);
}
