using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchboard.Benchmarks;

/// <summary>Ready-made input: a batch of framed messages in one buffer, or spread over small segments.</summary>
internal static class Messages
{
    public const int Batch = 1000;

    public static byte[] Lines(int payload, bool crlf)
    {
        var line = new string('x', payload) + (crlf ? "\r\n" : "\n");
        return Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, Batch)));
    }

    public static byte[] LengthPrefixed(int payload, int headerSize)
    {
        var frame = new byte[headerSize + payload];
        switch (headerSize)
        {
            case 1: frame[0] = (byte)payload; break;
            case 2: BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)payload); break;
            default: BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload); break;
        }

        frame.AsSpan(headerSize).Fill((byte)'x');
        return [.. Enumerable.Repeat(frame, Batch).SelectMany(f => f)];
    }

    /// <summary>The bytes as a chain of <paramref name="segmentSize"/>-byte segments, as a pipe hands them out.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        if (segmentSize >= data.Length)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment? first = null, last = null;
        for (var at = 0; at < data.Length; at += segmentSize)
        {
            var chunk = data.AsMemory(at, Math.Min(segmentSize, data.Length - at));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
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
