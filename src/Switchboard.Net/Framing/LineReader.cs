using System.Buffers;
using System.Text.Unicode;

namespace Switchboard.Net.Framing;

/// <summary>
/// Reads lines ended by LF; a CR before the LF is removed, so CRLF (telnet) and LF (nc) both work.
/// The message is the line's bytes without its terminator, valid until the reader advances.
/// </summary>
public sealed class LineReader : IMessageReader<ReadOnlySequence<byte>>
{
    /// <summary>The default maximum line length: 64 KiB.</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    /// <summary>Creates a line reader.</summary>
    /// <param name="maxLineLength">The longest line accepted, in bytes, without its terminator.</param>
    /// <param name="validateUtf8">Whether a line that is not valid UTF-8 is rejected with <see cref="InvalidMessageException"/>.</param>
    public LineReader(int maxLineLength = DefaultMaxLineLength, bool validateUtf8 = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        MaxLineLength = maxLineLength;
        ValidateUtf8 = validateUtf8;
    }

    /// <summary>The longest line accepted, in bytes, without its terminator.</summary>
    public int MaxLineLength { get; }

    /// <summary>Whether lines must be valid UTF-8.</summary>
    public bool ValidateUtf8 { get; }

    /// <inheritdoc />
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        // Only look as far as a maximal line could reach: a peer that never sends LF costs one bounded scan.
        var window = input.Length > MaxLineLength + 2L ? input.Slice(0, MaxLineLength + 2L) : input;
        var lf = window.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (window.Length > MaxLineLength + 1L || (window.Length == MaxLineLength + 1L && LastByte(window) != (byte)'\r'))
            {
                throw new MessageTooLargeException(MaxLineLength);
            }

            message = default;
            examined = input.End;
            return false;
        }

        var line = input.Slice(0, lf.Value);
        if (line.Length > 0 && LastByte(line) == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (line.Length > MaxLineLength)
        {
            throw new MessageTooLargeException(MaxLineLength);
        }

        consumed = examined = input.GetPosition(1, lf.Value);
        if (ValidateUtf8 && !IsValidUtf8(line))
        {
            message = default;
            throw new InvalidMessageException("line is not valid UTF-8");
        }

        message = line;
        return true;
    }

    private static byte LastByte(in ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.FirstSpan[^1];
        }

        return sequence.Slice(sequence.Length - 1).FirstSpan[0];
    }

    private static bool IsValidUtf8(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return Utf8.IsValid(line.FirstSpan);
        }

        // Rare: a line split across pipe segments. Lines are bounded, so one pooled copy is cheap.
        var length = checked((int)line.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            line.CopyTo(rented);
            return Utf8.IsValid(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
