using System.Buffers;
using System.Text;
using Switchboard.Fuzz.Engine;
using Switchboard.Net.Framing;

namespace Switchboard.Fuzz.Targets;

/// <summary>LF/CRLF lines (<see cref="LineReader"/>): the framing of listen, connect and the chat server.</summary>
internal sealed class LineTarget : FramingTarget<ReadOnlySequence<byte>>
{
    // 8 KiB is the chat server's line limit, 64 KiB the reader's default.
    private static readonly int[] s_max = [1, 2, 3, 8, 64, 300, 8 * 1024, LineReader.DefaultMaxLineLength];

    public override string Name => "line";

    public override string Summary => "LineReader (LF/CRLF, UTF-8 check on and off) through ProtocolReader over a Pipe";

    protected override Setup CreateReader(Rng rng)
    {
        var max = rng.Pick(s_max);
        var utf8 = rng.Chance(70);
        return new Setup(new LineReader(max, utf8), max + 1L, Mutator.Boundaries(max), $"maxLineLength={max} validateUtf8={utf8}", max);
    }

    protected override (byte[] Bytes, List<string> Messages) Valid(Rng rng, Setup setup)
    {
        var output = new ArrayBufferWriter<byte>();
        var messages = new List<string>();
        var writer = rng.Chance(50) ? LineWriter.Lf : LineWriter.Crlf;
        for (var i = rng.Below(5); i > 0; i--)
        {
            var text = rng.Chance(setup.Max > 1024 ? 1 : 3) ? new string('x', setup.Max) : Text.Valid(rng, Math.Min(setup.Max, 80));
            // A LF ends the line and a final CR is taken as part of CRLF: neither can be in a line's text.
            text = text.Replace("\n", "", StringComparison.Ordinal).TrimEnd('\r');
            var bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > setup.Max)
            {
                continue;
            }

            writer.WriteMessage(text, output);
            messages.Add(Convert.ToHexString(bytes));
        }

        return (output.WrittenSpan.ToArray(), messages);
    }

    protected override string Describe(ReadOnlySequence<byte> message) => Convert.ToHexString(message.ToArray());
}
