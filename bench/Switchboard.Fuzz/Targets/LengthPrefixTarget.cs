using System.Buffers;
using Switchboard.Fuzz.Engine;
using Switchboard.Net.Framing;

namespace Switchboard.Fuzz.Targets;

/// <summary>Big-endian length-prefixed messages (<see cref="LengthPrefixedReader"/>) with 1, 2 and 4-byte headers.</summary>
internal sealed class LengthPrefixTarget : FramingTarget<ReadOnlySequence<byte>>
{
    private static readonly int[] s_max = [0, 1, 5, 255, 256, 300, 65535, 65536, LengthPrefixedReader.DefaultMaxMessageSize];
    private static readonly int[] s_headers = [1, 2, 4];

    public override string Name => "length-prefix";

    public override string Summary => "LengthPrefixedReader (1/2/4-byte headers) through ProtocolReader over a Pipe";

    protected override Setup CreateReader(Rng rng)
    {
        var header = rng.Pick(s_headers);
        var max = rng.Pick(s_max);
        return new Setup(new LengthPrefixedReader(header, max), header + (long)max, Mutator.Boundaries(max), $"headerSize={header} maxMessageSize={max}", max);
    }

    protected override (byte[] Bytes, List<string> Messages) Valid(Rng rng, Setup setup)
    {
        var reader = (LengthPrefixedReader)setup.Reader;
        var writer = new LengthPrefixedWriter(reader.HeaderSize, reader.MaxMessageSize);
        var largest = (int)Math.Min(setup.Max, reader.HeaderSize == 1 ? 255 : reader.HeaderSize == 2 ? 65535 : int.MaxValue);
        var output = new ArrayBufferWriter<byte>();
        var messages = new List<string>();
        for (var i = rng.Below(5); i > 0; i--)
        {
            var length = rng.Chance(largest > 1024 ? 1 : 3) && largest <= 65536 ? largest : rng.Below(Math.Min(largest, 100) + 1);
            var payload = rng.Bytes(length);
            writer.WriteMessage(payload, output);
            messages.Add(Convert.ToHexString(payload));
        }

        return (output.WrittenSpan.ToArray(), messages);
    }

    protected override string Describe(ReadOnlySequence<byte> message) => Convert.ToHexString(message.ToArray());
}
