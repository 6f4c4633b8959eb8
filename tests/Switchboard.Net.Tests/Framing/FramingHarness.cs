using System.Buffers;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Framing;

/// <summary>
/// Drives a message reader as a pipe would, deterministically: bytes arrive in pieces cut at the given points,
/// the buffer handed to the reader is a multi-segment sequence split at those same points, and consumed bytes
/// are dropped from the front.
/// </summary>
internal static class FramingHarness
{
    public sealed record Outcome(List<byte[]> Messages, long Leftover);

    public static Outcome Parse<T>(IMessageReader<T> reader, byte[] wire, Func<T, byte[]> copy, params int[] cuts)
    {
        var points = cuts.Where(c => c > 0 && c < wire.Length).Distinct().Order().Append(wire.Length).ToArray();
        var messages = new List<byte[]>();
        var consumedOffset = 0;
        foreach (var received in points)
        {
            while (true)
            {
                var sequence = Segments(wire, consumedOffset, received, points);
                var consumed = sequence.Start;
                var examined = sequence.Start;
                if (!reader.TryParseMessage(sequence, ref consumed, ref examined, out var message))
                {
                    break;
                }

                messages.Add(copy(message));
                var length = (int)sequence.Slice(0, consumed).Length;
                Assert.True(length > 0 || received == consumedOffset, "a parsed message must consume bytes");
                consumedOffset += length;
            }
        }

        return new Outcome(messages, wire.Length - consumedOffset);
    }

    public static Outcome Parse(IMessageReader<ReadOnlySequence<byte>> reader, byte[] wire, params int[] cuts)
        => Parse(reader, wire, m => m.ToArray(), cuts);

    private static ReadOnlySequence<byte> Segments(byte[] wire, int from, int to, int[] points)
    {
        var pieces = new List<ReadOnlyMemory<byte>>();
        var start = from;
        foreach (var point in points.Where(p => p > from && p <= to).Append(to).Distinct())
        {
            pieces.Add(wire.AsMemory(start, point - start));
            start = point;
        }

        return SegmentedSequence.FromPieces(pieces);
    }
}
