using System.Buffers;
using System.Buffers.Binary;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// Tells the three fortune framings apart from the first bytes of an answer, for a client not told which one the
/// server speaks. Each framing starts with a length that the next field confirms, and no fortune within the
/// message limit satisfies two of the checks at once:
/// <list type="bullet">
/// <item><description>qt4: a quint16 block size B, then the QString's quint32 byte length L with B = L + 4 (or B = 4 and a null QString);</description></item>
/// <item><description>local: a quint32 count N of UTF-16 units, then L = 2N (or N = 0 and a null QString);</description></item>
/// <item><description>qt5: the QString alone, its length first. Below the 64 KiB limit its first two bytes are zero, as with local.</description></item>
/// </list>
/// </summary>
internal static class FortuneFramingDetector
{
    private const uint NullString = 0xFFFFFFFF;

    /// <summary>
    /// The framing of the answer starting at <paramref name="buffer"/>, or null while too few bytes have come to
    /// tell. <paramref name="completed"/> says the server has closed: a short qt5 answer is then all there is.
    /// </summary>
    public static FortuneFraming? Detect(ReadOnlySequence<byte> buffer, bool completed)
    {
        Span<byte> head = stackalloc byte[8];
        int available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];

        if (head.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(head) != 0)
        {
            // Nothing but a qt4 block size (or a null qt5 QString, FF FF FF FF) starts with a non-zero quint16.
            if (head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == NullString)
            {
                return FortuneFraming.Qt5;
            }

            // Anything else that starts so is read as qt4, whose codec then says precisely what is wrong.
            return FortuneFraming.Qt4;
        }

        if (head.Length >= 8)
        {
            uint first = BinaryPrimitives.ReadUInt32BigEndian(head);
            uint second = BinaryPrimitives.ReadUInt32BigEndian(head[4..]);
            bool local = second == 2UL * first || (first == 0 && second == NullString);
            return local ? FortuneFraming.Local : FortuneFraming.Qt5;
        }

        // Fewer than 8 bytes starting with zeros: a qt5 fortune of at most one character, if the server has closed.
        return completed ? FortuneFraming.Qt5 : null;
    }
}
