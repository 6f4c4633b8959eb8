using System.Buffers;

namespace Switchboard.Net.Framing;

/// <summary>
/// Unframed bytes: each message is whatever has arrived, up to a maximum chunk size. For byte streams such as
/// echo and netcat-style relaying.
/// </summary>
public sealed class RawReader : IMessageReader<ReadOnlySequence<byte>>
{
    /// <summary>Creates a raw reader.</summary>
    /// <param name="maxChunkSize">The largest chunk handed out at once.</param>
    public RawReader(int maxChunkSize = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkSize, 1);
        MaxChunkSize = maxChunkSize;
    }

    /// <summary>The largest chunk handed out at once.</summary>
    public int MaxChunkSize { get; }

    /// <inheritdoc />
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        if (input.IsEmpty)
        {
            message = default;
            return false;
        }

        message = input.Length > MaxChunkSize ? input.Slice(0, MaxChunkSize) : input;
        consumed = examined = message.End;
        return true;
    }
}

/// <summary>Writes bytes as they are.</summary>
public sealed class RawWriter : IMessageWriter<ReadOnlyMemory<byte>>
{
    /// <summary>The shared instance.</summary>
    public static RawWriter Instance { get; } = new();

    /// <inheritdoc />
    public void WriteMessage(ReadOnlyMemory<byte> message, IBufferWriter<byte> output) => output.Write(message.Span);
}
