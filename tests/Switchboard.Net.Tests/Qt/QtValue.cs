using System.Buffers;
using Switchboard.Net.Qt;

namespace Switchboard.Net.Tests.Qt;

/// <summary>Writes and reads one QDataStream value of a given type, so each test runs for every type.</summary>
internal static class QtValue
{
    public static byte[] Encode(string type, object? value, QDataStreamVersion version = QDataStreamVersion.Qt_5_15)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new QDataStreamWriter(output, version);
        switch (type)
        {
            case "quint8": writer.WriteUInt8((byte)value!); break;
            case "qint8": writer.WriteInt8((sbyte)value!); break;
            case "quint16": writer.WriteUInt16((ushort)value!); break;
            case "qint16": writer.WriteInt16((short)value!); break;
            case "quint32": writer.WriteUInt32((uint)value!); break;
            case "qint32": writer.WriteInt32((int)value!); break;
            case "quint64": writer.WriteUInt64((ulong)value!); break;
            case "qint64": writer.WriteInt64((long)value!); break;
            case "bool": writer.WriteBoolean((bool)value!); break;
            case "double": writer.WriteDouble((double)value!); break;
            case "QString": writer.WriteString((string?)value); break;
            case "QByteArray": writer.WriteByteArray((byte[]?)value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }

        return output.WrittenSpan.ToArray();
    }

    public static ParseResult Decode(string type, ReadOnlySequence<byte> data, QDataStreamVersion version = QDataStreamVersion.Qt_5_15, int maxSize = QDataStreamReader.DefaultMaxSize)
    {
        var reader = new QDataStreamReader(data, version, maxSize);
        bool ok;
        object? value;
        switch (type)
        {
            case "quint8": ok = reader.TryReadUInt8(out byte u8); value = u8; break;
            case "qint8": ok = reader.TryReadInt8(out sbyte i8); value = i8; break;
            case "quint16": ok = reader.TryReadUInt16(out ushort u16); value = u16; break;
            case "qint16": ok = reader.TryReadInt16(out short i16); value = i16; break;
            case "quint32": ok = reader.TryReadUInt32(out uint u32); value = u32; break;
            case "qint32": ok = reader.TryReadInt32(out int i32); value = i32; break;
            case "quint64": ok = reader.TryReadUInt64(out ulong u64); value = u64; break;
            case "qint64": ok = reader.TryReadInt64(out long i64); value = i64; break;
            case "bool": ok = reader.TryReadBoolean(out bool b); value = b; break;
            case "double": ok = reader.TryReadDouble(out double d); value = d; break;
            case "QString": ok = reader.TryReadString(out string? s); value = s; break;
            case "QByteArray": ok = reader.TryReadByteArray(out byte[]? a); value = a; break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }

        return new ParseResult(ok, reader.Consumed, ok ? value : null);
    }
}
