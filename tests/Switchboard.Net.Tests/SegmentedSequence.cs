using System.Buffers;

namespace Switchboard.Net.Tests;

/// <summary>A byte sequence split over several segments, as a pipe delivers bytes that arrived in pieces.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> FromPieces(IEnumerable<ReadOnlyMemory<byte>> pieces)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (var piece in pieces)
        {
            if (piece.IsEmpty)
            {
                continue;
            }

            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
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
