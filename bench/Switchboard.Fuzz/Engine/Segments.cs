using System.Buffers;

namespace Switchboard.Fuzz.Engine;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of several segments, as a pipe hands out data that spans buffers.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Of(byte[] data, int[] cuts)
    {
        if (cuts.Length == 0)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment? first = null;
        Segment? last = null;
        var start = 0;
        foreach (var end in cuts.Append(data.Length))
        {
            var piece = data.AsMemory(start, end - start);
            last = last is null ? (first = new Segment(piece, 0)) : last.Append(piece);
            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
