using System.Buffers;
using Switchboard.Fuzz.Engine;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// The three fortune codecs (qt5, qt4, local) as pipe readers, and the framing detector that tells them apart:
/// it must never throw, and must name the right framing for any valid answer.
/// </summary>
internal sealed class FortuneTarget(FortuneFraming framing) : FramingTarget<string>
{
    public override string Name => "fortune-" + framing.ToString().ToLowerInvariant();

    public override string Summary => $"{framing} fortune codec through ProtocolReader over a Pipe, and the framing detector";

    protected override Setup CreateReader(Rng rng)
    {
        var least = framing switch { FortuneFraming.Qt5 => 4, FortuneFraming.Qt4 => 6, _ => 8 };
        var max = rng.Pick<int>([least, least + 1, least + 2, rng.Between(least, 300), FortuneCodecs.DefaultMaxMessageSize]);
        var codec = FortuneCodecs.Create(framing, max);
        return new Setup(codec, codec.MaxMessageSize, Mutator.Boundaries(codec.MaxMessageSize), $"framing={framing} maxMessageSize={max}", codec.MaxMessageSize);
    }

    protected override (byte[] Bytes, List<string> Messages) Valid(Rng rng, Setup setup)
    {
        var codec = (FortuneCodec)setup.Reader;
        var room = (setup.Max - codec.HeaderSize) / 2;
        var output = new ArrayBufferWriter<byte>();
        var messages = new List<string>();
        for (var i = rng.Below(4); i > 0; i--)
        {
            var text = rng.Chance(room > 512 ? 1 : 3) && room < 40_000 ? new string('f', room) : Text.AnyUnits(rng, Math.Min(room, 50));
            codec.Write(text, output);
            messages.Add(Describe(text));
        }

        return (output.WrittenSpan.ToArray(), messages);
    }

    protected override string Describe(string message) => $"[{message.Length}]{message}";

    protected override void Extra(Rng rng, Setup setup, byte[] input, byte[] valid)
    {
        try
        {
            FortuneFramingDetector.Detect(new ReadOnlySequence<byte>(input), rng.Chance(50));
        }
        catch (Exception ex)
        {
            throw new FuzzFailure($"the framing detector threw {ex.GetType().Name}: {ex.Message}", ex);
        }

        // A server answers with one fortune and closes: that answer alone must be recognised.
        var codec = (FortuneCodec)setup.Reader;
        var answer = new ArrayBufferWriter<byte>();
        codec.Write(Text.AnyUnits(rng, Math.Min((setup.Max - codec.HeaderSize) / 2, 100)), answer);
        var bytes = answer.WrittenSpan.ToArray();
        if (FortuneFramingDetector.Detect(new ReadOnlySequence<byte>(bytes), completed: true) is var seen && seen != framing)
        {
            throw new FuzzFailure($"the framing detector took a valid {framing} answer for {seen?.ToString() ?? "undecided"} (answer: {Convert.ToHexString(bytes)})");
        }
    }
}
