using Switchboard.Net.Qt;

namespace Switchboard.Net.Tests.Qt;

/// <summary>
/// Byte vectors written by the real QDataStream (PyQt5 5.15.9 on Qt 5.15.8, Debian 12, <c>QDataStream.writeXxx</c>
/// into a QByteArray): our writer must produce them and our reader must read them back.
/// </summary>
public sealed class QDataStreamGoldenTests
{
    public static TheoryData<string, object?, string> Qt515Vectors() => new()
    {
        { "quint8", (byte)0xAB, "ab" },
        { "quint16", (ushort)0xABCD, "abcd" },
        { "quint32", 0x01020304u, "01020304" },
        { "quint64", 0x0102030405060708ul, "0102030405060708" },
        { "qint8", (sbyte)-2, "fe" },
        { "qint16", (short)-2, "fffe" },
        { "qint32", -123456789, "f8a432eb" },
        { "qint64", -1234567890123456789L, "eeddef0b82167eeb" },
        { "bool", true, "01" },
        { "bool", false, "00" },
        { "double", Math.PI, "400921fb54442d18" },
        { "double", -0.5, "bfe0000000000000" },
        { "QString", null, "ffffffff" },
        { "QString", string.Empty, "00000000" },
        { "QString", "Héllo € 😀", "00000014004800e9006c006c006f002020ac0020d83dde00" },
        { "QByteArray", null, "ffffffff" },
        { "QByteArray", Array.Empty<byte>(), "00000000" },
        { "QByteArray", "abc"u8.ToArray(), "00000003616263" },
    };

    [Theory]
    [MemberData(nameof(Qt515Vectors))]
    public void Writer_produces_the_bytes_Qt_writes(string type, object? value, string hex)
    {
        Assert.Equal(hex, Bytes.ToHex(QtValue.Encode(type, value)));
    }

    [Theory]
    [MemberData(nameof(Qt515Vectors))]
    public void Reader_reads_the_bytes_Qt_writes_in_any_pieces(string type, object? value, string hex)
    {
        SplitChecker.CheckWithTrailer(Bytes.Hex(hex), value, data => QtValue.Decode(type, data));
    }

    [Theory]
    [InlineData(QDataStreamVersion.Qt_1_0, "QString", null, "00000000")]
    [InlineData(QDataStreamVersion.Qt_1_0, "QString", "", "00000000")]
    [InlineData(QDataStreamVersion.Qt_1_0, "QString", "aé€😀", "0000000561e93f3f3f")]
    [InlineData(QDataStreamVersion.Qt_2_0, "QString", null, "00000000")]
    [InlineData(QDataStreamVersion.Qt_2_1, "QString", null, "ffffffff")]
    [InlineData(QDataStreamVersion.Qt_3_0, "QByteArray", null, "00000000")]
    [InlineData(QDataStreamVersion.Qt_3_1, "QByteArray", null, "00000000")]
    [InlineData(QDataStreamVersion.Qt_3_3, "QByteArray", null, "ffffffff")]
    public void Old_versions_encode_as_Qt_does(QDataStreamVersion version, string type, object? value, string hex)
    {
        Assert.Equal(hex, Bytes.ToHex(QtValue.Encode(type, value, version)));
    }

    [Theory]
    [InlineData("0000000261e9", "aé")]
    [InlineData("ffffffff", "")]
    public void Version_1_reads_Latin1_and_null_as_empty(string hex, string expected)
    {
        // Checked against PyQt5: readQString() with setVersion(1) gives 'aé' and '' for these bytes.
        SplitChecker.Check(Bytes.Hex(hex), expected, data => QtValue.Decode("QString", data, QDataStreamVersion.Qt_1_0));
    }

    [Fact]
    public void Any_non_zero_byte_reads_as_true_like_Qt()
    {
        // PyQt5: QDataStream(b'\x02').readBool() is True.
        Assert.Equal(true, QtValue.Decode("bool", Bytes.Segments([0x02])).Value);
    }

    [Fact]
    public void Versions_are_Qt_numbers()
    {
        // The numbers QDataStream.Qt_X_Y has in PyQt5 5.15.
        Assert.Equal(7, (int)QDataStreamVersion.Qt_4_0);
        Assert.Equal(12, (int)QDataStreamVersion.Qt_4_6);
        Assert.Equal(13, (int)QDataStreamVersion.Qt_5_0);
        Assert.Equal(17, (int)QDataStreamVersion.Qt_5_6);
        Assert.Equal(18, (int)QDataStreamVersion.Qt_5_12);
        Assert.Equal(19, (int)QDataStreamVersion.Qt_5_15);
    }
}
