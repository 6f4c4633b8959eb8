using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Switchboard.Net.Qt;

namespace Switchboard.Net.Tests.Qt;

/// <summary>Property tests: whatever we write, we read back, whatever pieces the bytes arrive in.</summary>
public sealed class QDataStreamRoundTripTests
{
    public static TheoryData<string, int> TypesAndSizes() => new()
    {
        { "quint8", 1 }, { "qint8", 1 }, { "quint16", 2 }, { "qint16", 2 }, { "quint32", 4 }, { "qint32", 4 },
        { "quint64", 8 }, { "qint64", 8 }, { "bool", 1 }, { "double", 8 }, { "QString", -1 }, { "QByteArray", -1 },
    };

    [Theory]
    [MemberData(nameof(TypesAndSizes))]
    public void Every_value_round_trips_split_at_every_byte_boundary(string type, int fixedSize)
    {
        Prop.ForAll(QtGen.For(type), value =>
        {
            byte[] encoded = QtValue.Encode(type, value);
            if (fixedSize > 0)
            {
                Assert.Equal(fixedSize, encoded.Length);
            }

            SplitChecker.CheckWithTrailer(encoded, value, data => QtValue.Decode(type, data));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(TypesAndSizes))]
    public void Several_values_in_a_row_each_consume_exactly_their_own_bytes(string type, int fixedSize)
    {
        _ = fixedSize;
        Prop.ForAll(QtGen.For(type), QtGen.For(type), (first, second) =>
        {
            byte[] a = QtValue.Encode(type, first);
            byte[] b = QtValue.Encode(type, second);
            ParseResult one = QtValue.Decode(type, Bytes.Segments(a, b));
            Assert.True(one.Complete);
            Assert.Equal(a.Length, one.Consumed);
            Assert.Equal(first, one.Value);
            ParseResult two = QtValue.Decode(type, Bytes.Segments(b));
            Assert.Equal(second, two.Value);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void QString_is_a_byte_length_then_UTF16BE_code_units()
    {
        Prop.ForAll(QtGen.Strings(), text =>
        {
            byte[] encoded = QtValue.Encode("QString", text);
            if (text is null)
            {
                Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF], encoded);
                return;
            }

            Assert.Equal((uint)(text.Length * 2), BinaryPrimitives.ReadUInt32BigEndian(encoded));
            for (int i = 0; i < text.Length; i++)
            {
                Assert.Equal(text[i], (char)BinaryPrimitives.ReadUInt16BigEndian(encoded.AsSpan(4 + (2 * i))));
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Doubles_keep_their_exact_bits_including_NaN_payloads_and_negative_zero()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<long>(), bits =>
        {
            double value = BitConverter.Int64BitsToDouble(bits);
            byte[] encoded = QtValue.Encode("double", value);
            Assert.Equal(bits, BinaryPrimitives.ReadInt64BigEndian(encoded));
            var reader = new QDataStreamReader(Bytes.Segments(encoded));
            Assert.True(reader.TryReadDouble(out double back));
            Assert.Equal(bits, BitConverter.DoubleToInt64Bits(back));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(QDataStreamVersion.Qt_2_0)]
    [InlineData(QDataStreamVersion.Qt_2_1)]
    [InlineData(QDataStreamVersion.Qt_3_0)]
    [InlineData(QDataStreamVersion.Qt_3_1)]
    [InlineData(QDataStreamVersion.Qt_3_3)]
    [InlineData(QDataStreamVersion.Qt_4_0)]
    [InlineData(QDataStreamVersion.Qt_4_6)]
    [InlineData(QDataStreamVersion.Qt_5_0)]
    [InlineData(QDataStreamVersion.Qt_5_6)]
    [InlineData(QDataStreamVersion.Qt_5_12)]
    [InlineData(QDataStreamVersion.Qt_5_15)]
    public void Strings_and_byte_arrays_round_trip_in_every_version_null_becoming_empty_where_Qt_had_no_marker(QDataStreamVersion version)
    {
        bool stringNull = version >= QDataStreamVersion.Qt_2_1;
        bool arrayNull = version >= QDataStreamVersion.Qt_3_3;
        Prop.ForAll(QtGen.Strings(), QtGen.ByteArrays(), (text, array) =>
        {
            string? expectedText = text ?? (stringNull ? null : string.Empty);
            byte[]? expectedArray = array ?? (arrayNull ? null : []);
            SplitChecker.Check(QtValue.Encode("QString", text, version), expectedText, d => QtValue.Decode("QString", d, version));
            SplitChecker.Check(QtValue.Encode("QByteArray", array, version), expectedArray, d => QtValue.Decode("QByteArray", d, version));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Latin1_strings_round_trip_in_version_1()
    {
        Gen<string> latin1 = Gen.Choose(0, 255).Select(c => (char)c).ArrayOf().Select(c => new string(c));
        Prop.ForAll(latin1.ToArbitrary(), text =>
        {
            byte[] encoded = QtValue.Encode("QString", text, QDataStreamVersion.Qt_1_0);
            Assert.Equal(4 + text.Length, encoded.Length);
            SplitChecker.Check(encoded, text, d => QtValue.Decode("QString", d, QDataStreamVersion.Qt_1_0));
        }).QuickCheckThrowOnFailure();
    }
}
