using System.Buffers;
using System.Buffers.Binary;
using Switchboard.Fuzz.Engine;
using Switchboard.Net.Framing;
using Switchboard.Net.Qt;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// <see cref="QDataStreamReader"/> on a random sequence of fields in every stream version: written values read back;
/// malformed bytes raise only <see cref="QDataStreamException"/>; a value that is not complete consumes nothing
/// (the transaction rule) and a length over the maximum is refused at once, never waited for; reading a prefix, or
/// the bytes spread over many segments, agrees with reading the whole.
/// </summary>
internal sealed class QDataStreamTarget : IFuzzTarget
{
    private enum Field { UInt8, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Boolean, Double, String, ByteArray }

    private static readonly int[] s_max = [0, 1, 2, 16, 255, QDataStreamReader.DefaultMaxSize];
    private static readonly QDataStreamVersion[] s_versions = Enum.GetValues<QDataStreamVersion>();
    private static readonly Field[] s_fields = Enum.GetValues<Field>();

    public string Name => "qdatastream";

    public string Summary => "QDataStreamReader: every field type and stream version, prefixes and multi-segment input";

    public void Run(Rng rng, FuzzCase current)
    {
        var version = rng.Pick(s_versions);
        var max = rng.Pick(s_max);
        var schema = Enumerable.Range(0, rng.Between(1, 6)).Select(_ => rng.Pick(s_fields)).ToArray();
        current.Settings = $"version={version} maxSize={max} fields={string.Join(",", schema)}";

        var (valid, expected) = Write(rng, version, max, schema);
        var mode = rng.Below(100);
        var input = mode switch
        {
            < 15 => valid,
            < 25 => rng.Bytes(rng.Below(48)),
            _ => Mutator.Mutate(rng, valid, Mutator.Boundaries(max)),
        };
        current.Input = input;

        var whole = Read(new ReadOnlySequence<byte>(input), version, max, schema);
        if (mode < 15 && whole.Text != expected)
        {
            throw new FuzzFailure($"valid values did not round-trip.\nexpected: {expected}\ngot: {whole.Text}");
        }

        var cuts = Mutator.Cuts(rng, input.Length);
        var spread = Read(Segments.Of(input, cuts), version, max, schema);
        if (spread.Text != whole.Text)
        {
            throw new FuzzFailure($"the bytes in segments (cut at {string.Join(",", cuts)}) read differently.\nwhole: {whole.Text}\nsegmented: {spread.Text}");
        }

        var cut = rng.Below(input.Length + 1);
        var prefix = Read(new ReadOnlySequence<byte>(input, 0, cut), version, max, schema);
        if (!whole.Text.StartsWith(prefix.Values, StringComparison.Ordinal))
        {
            throw new FuzzFailure($"the first {cut} bytes read other values than the whole.\nwhole: {whole.Text}\nprefix: {prefix.Text}");
        }

        if (prefix.Incomplete && prefix.Consumed != whole.ConsumedAfter(prefix.Fields))
        {
            throw new FuzzFailure($"an incomplete value consumed bytes: {prefix.Consumed} consumed after {prefix.Fields} fields, expected {whole.ConsumedAfter(prefix.Fields)}");
        }
    }

    public void Dispose()
    {
    }

    private static (byte[] Bytes, string Text) Write(Rng rng, QDataStreamVersion version, int max, Field[] schema)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new QDataStreamWriter(output, version);
        var values = new List<string>();
        foreach (var field in schema)
        {
            switch (field)
            {
                case Field.UInt8: var u8 = rng.Byte(); writer.WriteUInt8(u8); values.Add(u8.ToString()); break;
                case Field.Int8: var i8 = (sbyte)rng.Byte(); writer.WriteInt8(i8); values.Add(i8.ToString()); break;
                case Field.UInt16: var u16 = (ushort)rng.Next(); writer.WriteUInt16(u16); values.Add(u16.ToString()); break;
                case Field.Int16: var i16 = (short)rng.Next(); writer.WriteInt16(i16); values.Add(i16.ToString()); break;
                case Field.UInt32: var u32 = (uint)rng.Next(); writer.WriteUInt32(u32); values.Add(u32.ToString()); break;
                case Field.Int32: var i32 = (int)rng.Next(); writer.WriteInt32(i32); values.Add(i32.ToString()); break;
                case Field.UInt64: var u64 = rng.Next(); writer.WriteUInt64(u64); values.Add(u64.ToString()); break;
                case Field.Int64: var i64 = (long)rng.Next(); writer.WriteInt64(i64); values.Add(i64.ToString()); break;
                case Field.Boolean: var b = rng.Chance(50); writer.WriteBoolean(b); values.Add(b.ToString()); break;
                case Field.Double: var d = BitConverter.Int64BitsToDouble((long)rng.Next()); writer.WriteDouble(d); values.Add(Show(d)); break;
                case Field.String:
                    var units = Math.Min(max, 200) / (version == QDataStreamVersion.Qt_1_0 ? 1 : 2);
                    var text = version == QDataStreamVersion.Qt_1_0
                        ? new string([.. Text.AnyUnits(rng, units).Select(c => (char)(c & 0xFF))])
                        : Text.AnyUnits(rng, units);
                    var isNull = version >= QDataStreamVersion.Qt_2_1 && rng.Chance(10);
                    writer.WriteString(isNull ? null : text);
                    values.Add(Show(isNull ? null : text));
                    break;
                default:
                    var bytes = rng.Bytes(rng.Below(Math.Min(max, 200) + 1));
                    var nullArray = version >= QDataStreamVersion.Qt_3_3 && rng.Chance(10);
                    writer.WriteByteArray(nullArray ? null : bytes);
                    values.Add(nullArray ? "null" : Convert.ToHexString(bytes));
                    break;
            }
        }

        return (output.WrittenSpan.ToArray(), string.Join("|", values.Select(v => v + ";")) + "|done");
    }

    private static Outcome Read(ReadOnlySequence<byte> data, QDataStreamVersion version, int max, Field[] schema)
    {
        var reader = new QDataStreamReader(data, version, max);
        var values = new List<string>();
        var consumed = new List<long> { 0 };
        try
        {
            foreach (var field in schema)
            {
                if (!TryRead(ref reader, field, out var value))
                {
                    if (field is Field.String or Field.ByteArray)
                    {
                        CheckNotWaitingOverMax(data.Slice(reader.Consumed), max);
                    }

                    return new Outcome(values, consumed, "|incomplete", true, reader.Consumed);
                }

                values.Add(value);
                consumed.Add(reader.Consumed);
            }
        }
        catch (QDataStreamException ex)
        {
            return new Outcome(values, consumed, $"|{ex.GetType().Name}: {ex.Message}", false, reader.Consumed);
        }
        catch (Exception ex) when (ex is not FuzzFailure)
        {
            throw new FuzzFailure($"unexpected {ex.GetType().Name} after {values.Count} fields: {ex.Message}", ex);
        }

        return new Outcome(values, consumed, "|done", false, reader.Consumed);
    }

    /// <summary>A reader that waits for more bytes must not be waiting for a payload over its maximum.</summary>
    private static void CheckNotWaitingOverMax(ReadOnlySequence<byte> rest, int max)
    {
        if (rest.Length < 4)
        {
            return;
        }

        Span<byte> head = stackalloc byte[4];
        rest.Slice(0, 4).CopyTo(head);
        var length = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (length != 0xFFFF_FFFF && length > (uint)max)
        {
            throw new FuzzFailure($"the reader waits for a payload of {length} bytes, over its maximum of {max}, instead of refusing it");
        }
    }

    private static bool TryRead(ref QDataStreamReader reader, Field field, out string value)
    {
        bool ok;
        switch (field)
        {
            case Field.UInt8: ok = reader.TryReadUInt8(out var u8); value = u8.ToString(); break;
            case Field.Int8: ok = reader.TryReadInt8(out var i8); value = i8.ToString(); break;
            case Field.UInt16: ok = reader.TryReadUInt16(out var u16); value = u16.ToString(); break;
            case Field.Int16: ok = reader.TryReadInt16(out var i16); value = i16.ToString(); break;
            case Field.UInt32: ok = reader.TryReadUInt32(out var u32); value = u32.ToString(); break;
            case Field.Int32: ok = reader.TryReadInt32(out var i32); value = i32.ToString(); break;
            case Field.UInt64: ok = reader.TryReadUInt64(out var u64); value = u64.ToString(); break;
            case Field.Int64: ok = reader.TryReadInt64(out var i64); value = i64.ToString(); break;
            case Field.Boolean: ok = reader.TryReadBoolean(out var b); value = b.ToString(); break;
            case Field.Double: ok = reader.TryReadDouble(out var d); value = Show(d); break;
            case Field.String: ok = reader.TryReadString(out var s); value = Show(s); break;
            default: ok = reader.TryReadByteArray(out var a); value = a is null ? "null" : Convert.ToHexString(a); break;
        }

        return ok;
    }

    private static string Show(double d) => BitConverter.DoubleToInt64Bits(d).ToString("X16");

    private static string Show(string? s) => s is null ? "null" : "[" + s.Length + "]" + Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan()));

    private sealed record Outcome(List<string> Fields0, List<long> ConsumedAfterField, string End, bool Incomplete, long Consumed)
    {
        public int Fields => Fields0.Count;

        public string Values => string.Concat(Fields0.Select(v => v + ";|"));

        public string Text => string.Join("|", Fields0.Select(v => v + ";")) + End;

        public long ConsumedAfter(int fields) => ConsumedAfterField[Math.Min(fields, ConsumedAfterField.Count - 1)];
    }
}
