using System.Buffers;
using Switchboard.Net.Tests;

namespace Switchboard.Fuzz.Engine;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of several segments, as a pipe hands out data that spans buffers.</summary>
internal static class Segments
{
    /// <summary>The bytes cut at the given offsets (ascending), one segment per piece.</summary>
    public static ReadOnlySequence<byte> Of(byte[] data, int[] cuts)
    {
        if (cuts.Length == 0)
        {
            return new ReadOnlySequence<byte>(data);
        }

        var pieces = new List<ReadOnlyMemory<byte>>(cuts.Length + 1);
        var start = 0;
        foreach (var end in cuts.Append(data.Length))
        {
            pieces.Add(data.AsMemory(start, end - start));
            start = end;
        }

        return SegmentedSequence.FromPieces(pieces);
    }
}
