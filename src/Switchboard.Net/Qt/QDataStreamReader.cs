using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Switchboard.Net.Qt;

/// <summary>
/// Reads big-endian QDataStream values from a <see cref="ReadOnlySequence{T}"/> that may not hold all the data yet.
/// </summary>
/// <remarks>
/// Every <c>TryRead</c> method works like one of Qt's read transactions: when the value is not complete it returns
/// <see langword="false"/> and consumes nothing, so the caller can wait for more bytes and try again from the same
/// place. Malformed data throws <see cref="QDataStreamException"/> (a length prefix over <see cref="MaxSize"/>
/// throws <see cref="QDataStreamSizeLimitException"/> at once). Supported versions: <see cref="QDataStreamVersion"/>.
/// </remarks>
public ref struct QDataStreamReader
{
    /// <summary>The default maximum size of one QString or QByteArray payload: 1 MiB.</summary>
    public const int DefaultMaxSize = 1024 * 1024;

    private const uint NullMarker = 0xFFFF_FFFF;

    private SequenceReader<byte> _reader;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    /// <param name="data">The bytes received so far.</param>
    /// <param name="version">The stream version the writer used.</param>
    /// <param name="maxSize">The largest QString or QByteArray payload accepted, in bytes.</param>
    public QDataStreamReader(ReadOnlySequence<byte> data, QDataStreamVersion version = QDataStreamVersion.Qt_5_15, int maxSize = DefaultMaxSize)
    {
        QDataStreamWriter.CheckVersion(version);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        _reader = new SequenceReader<byte>(data);
        Version = version;
        MaxSize = maxSize;
    }

    /// <summary>The stream version used to decode.</summary>
    public QDataStreamVersion Version { get; }

    /// <summary>The largest QString or QByteArray payload accepted, in bytes.</summary>
    public int MaxSize { get; }

    /// <summary>The position after the last complete value read.</summary>
    public readonly SequencePosition Position => _reader.Position;

    /// <summary>The number of bytes consumed by complete values.</summary>
    public readonly long Consumed => _reader.Consumed;

    /// <summary>The number of bytes not consumed yet.</summary>
    public readonly long Remaining => _reader.Remaining;

    /// <summary>Reads a quint8.</summary>
    public bool TryReadUInt8(out byte value) => _reader.TryRead(out value);

    /// <summary>Reads a qint8.</summary>
    public bool TryReadInt8(out sbyte value)
    {
        bool ok = _reader.TryRead(out byte raw);
        value = unchecked((sbyte)raw);
        return ok;
    }

    /// <summary>Reads a quint16.</summary>
    public bool TryReadUInt16(out ushort value)
    {
        bool ok = _reader.TryReadBigEndian(out short raw);
        value = unchecked((ushort)raw);
        return ok;
    }

    /// <summary>Reads a qint16.</summary>
    public bool TryReadInt16(out short value) => _reader.TryReadBigEndian(out value);

    /// <summary>Reads a quint32.</summary>
    public bool TryReadUInt32(out uint value)
    {
        bool ok = _reader.TryReadBigEndian(out int raw);
        value = unchecked((uint)raw);
        return ok;
    }

    /// <summary>Reads a qint32.</summary>
    public bool TryReadInt32(out int value) => _reader.TryReadBigEndian(out value);

    /// <summary>Reads a quint64.</summary>
    public bool TryReadUInt64(out ulong value)
    {
        bool ok = _reader.TryReadBigEndian(out long raw);
        value = unchecked((ulong)raw);
        return ok;
    }

    /// <summary>Reads a qint64.</summary>
    public bool TryReadInt64(out long value) => _reader.TryReadBigEndian(out value);

    /// <summary>Reads a bool: one byte, where any non-zero value is true (as Qt reads it).</summary>
    public bool TryReadBoolean(out bool value)
    {
        bool ok = _reader.TryRead(out byte raw);
        value = raw != 0;
        return ok;
    }

    /// <summary>Reads a double: 8 bytes, IEEE 754, big-endian.</summary>
    public bool TryReadDouble(out double value)
    {
        bool ok = _reader.TryReadBigEndian(out long raw);
        value = BitConverter.Int64BitsToDouble(raw);
        return ok;
    }

    /// <summary>
    /// Reads a QString: a quint32 byte length (<c>FF FF FF FF</c> for a null string) and UTF-16BE code units,
    /// kept exactly as sent (a lone surrogate is not replaced). A null QString is returned as <see langword="null"/>.
    /// </summary>
    /// <exception cref="QDataStreamException">The byte length is odd.</exception>
    /// <exception cref="QDataStreamSizeLimitException">The byte length is over <see cref="MaxSize"/>.</exception>
    public bool TryReadString(out string? value)
    {
        if (Version == QDataStreamVersion.Qt_1_0)
        {
            return TryReadLatin1String(out value);
        }

        value = null;
        SequenceReader<byte> probe = _reader;
        if (!probe.TryReadBigEndian(out int rawLength))
        {
            return false;
        }

        uint length = unchecked((uint)rawLength);
        if (length == NullMarker)
        {
            _reader = probe;
            return true;
        }

        if ((length & 1) != 0)
        {
            throw new QDataStreamException($"A QString has an odd byte length ({length}); UTF-16 needs an even one.");
        }

        CheckSize(length);
        if (probe.Remaining < length)
        {
            return false;
        }

        value = DecodeUtf16BigEndian(ref probe, (int)length);
        _reader = probe;
        return true;
    }

    /// <summary>
    /// Reads a QByteArray: a quint32 length (<c>FF FF FF FF</c> for a null array) and the bytes.
    /// A null QByteArray is returned as <see langword="null"/>.
    /// </summary>
    /// <exception cref="QDataStreamSizeLimitException">The length is over <see cref="MaxSize"/>.</exception>
    public bool TryReadByteArray(out byte[]? value)
    {
        value = null;
        SequenceReader<byte> probe = _reader;
        if (!probe.TryReadBigEndian(out int rawLength))
        {
            return false;
        }

        uint length = unchecked((uint)rawLength);
        if (length == NullMarker)
        {
            _reader = probe;
            return true;
        }

        CheckSize(length);
        if (probe.Remaining < length)
        {
            return false;
        }

        byte[] bytes = length == 0 ? [] : new byte[length];
        probe.TryCopyTo(bytes);
        probe.Advance(length);
        value = bytes;
        _reader = probe;
        return true;
    }

    private bool TryReadLatin1String(out string? value)
    {
        value = null;
        if (!TryReadByteArray(out byte[]? latin1))
        {
            return false;
        }

        // Qt 1 had no null marker for strings: a null QByteArray reads back as an empty QString.
        value = latin1 is null ? string.Empty : System.Text.Encoding.Latin1.GetString(latin1);
        return true;
    }

    private readonly void CheckSize(uint length)
    {
        if (length > (uint)MaxSize)
        {
            throw new QDataStreamSizeLimitException(length, MaxSize);
        }
    }

    private static string DecodeUtf16BigEndian(ref SequenceReader<byte> reader, int byteLength)
    {
        if (byteLength == 0)
        {
            return string.Empty;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(byteLength);
        try
        {
            Span<byte> bytes = rented.AsSpan(0, byteLength);
            reader.TryCopyTo(bytes);
            reader.Advance(byteLength);
            Span<ushort> units = MemoryMarshal.Cast<byte, ushort>(bytes);
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(units, units);
            }

            // Not Encoding.BigEndianUnicode: it would replace lone surrogates, and Qt keeps them.
            return new string(MemoryMarshal.Cast<ushort, char>(units));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
