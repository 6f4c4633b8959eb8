using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Switchboard.Net.Qt;

/// <summary>
/// Writes big-endian QDataStream values to an <see cref="IBufferWriter{T}"/>, byte for byte as Qt 5 writes them.
/// </summary>
/// <remarks>Supported versions and what they change: <see cref="QDataStreamVersion"/>.</remarks>
public readonly ref struct QDataStreamWriter
{
    private const uint NullMarker = 0xFFFF_FFFF;

    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="version">The stream version to encode with.</param>
    public QDataStreamWriter(IBufferWriter<byte> output, QDataStreamVersion version = QDataStreamVersion.Qt_5_15)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckVersion(version);
        _output = output;
        Version = version;
    }

    /// <summary>The stream version used to encode.</summary>
    public QDataStreamVersion Version { get; }

    /// <summary>Writes a quint8.</summary>
    public void WriteUInt8(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    /// <summary>Writes a qint8.</summary>
    public void WriteInt8(sbyte value) => WriteUInt8(unchecked((byte)value));

    /// <summary>Writes a quint16.</summary>
    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    /// <summary>Writes a qint16.</summary>
    public void WriteInt16(short value) => WriteUInt16(unchecked((ushort)value));

    /// <summary>Writes a quint32.</summary>
    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    /// <summary>Writes a qint32.</summary>
    public void WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

    /// <summary>Writes a quint64.</summary>
    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    /// <summary>Writes a qint64.</summary>
    public void WriteInt64(long value) => WriteUInt64(unchecked((ulong)value));

    /// <summary>Writes a bool as one byte, 1 or 0.</summary>
    public void WriteBoolean(bool value) => WriteUInt8(value ? (byte)1 : (byte)0);

    /// <summary>Writes a double: 8 bytes, IEEE 754, big-endian.</summary>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>
    /// Writes a QString: a quint32 byte length and the UTF-16BE code units, or <c>FF FF FF FF</c> for
    /// <see langword="null"/> (an empty string before <see cref="QDataStreamVersion.Qt_2_1"/>; with
    /// <see cref="QDataStreamVersion.Qt_1_0"/>, Latin-1 bytes where every code unit above U+00FF becomes '?').
    /// </summary>
    public void WriteString(string? value)
    {
        if (Version == QDataStreamVersion.Qt_1_0)
        {
            WriteLatin1(value ?? string.Empty);
            return;
        }

        if (value is null)
        {
            WriteUInt32(Version < QDataStreamVersion.Qt_2_1 ? 0u : NullMarker);
            return;
        }

        int byteLength = checked(value.Length * 2);
        WriteUInt32((uint)byteLength);
        if (byteLength == 0)
        {
            return;
        }

        Span<byte> destination = _output.GetSpan(byteLength)[..byteLength];
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(
                MemoryMarshal.Cast<char, ushort>(value.AsSpan()),
                MemoryMarshal.Cast<byte, ushort>(destination));
        }
        else
        {
            MemoryMarshal.AsBytes(value.AsSpan()).CopyTo(destination);
        }

        _output.Advance(byteLength);
    }

    /// <summary>
    /// Writes a QByteArray: a quint32 length and the bytes, or <c>FF FF FF FF</c> for <see langword="null"/>
    /// (an empty array before <see cref="QDataStreamVersion.Qt_3_3"/>).
    /// </summary>
    public void WriteByteArray(byte[]? value)
    {
        if (value is null)
        {
            WriteUInt32(Version < QDataStreamVersion.Qt_3_3 ? 0u : NullMarker);
            return;
        }

        WriteByteArray(value.AsSpan());
    }

    /// <summary>Writes a non-null QByteArray: a quint32 length and the bytes.</summary>
    public void WriteByteArray(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        if (value.Length > 0)
        {
            value.CopyTo(_output.GetSpan(value.Length));
            _output.Advance(value.Length);
        }
    }

    internal static void CheckVersion(QDataStreamVersion version)
    {
        if (version is < QDataStreamVersion.Qt_1_0 or > QDataStreamVersion.Qt_5_15)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Supported QDataStream versions are Qt_1_0 to Qt_5_15.");
        }
    }

    private void WriteLatin1(string value)
    {
        WriteUInt32((uint)value.Length);
        if (value.Length == 0)
        {
            return;
        }

        Span<byte> destination = _output.GetSpan(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            destination[i] = c <= '\u00FF' ? (byte)c : (byte)'?';
        }

        _output.Advance(value.Length);
    }
}
