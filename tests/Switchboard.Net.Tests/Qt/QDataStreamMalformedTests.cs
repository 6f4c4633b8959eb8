using System.Buffers;
using Switchboard.Net.Qt;

namespace Switchboard.Net.Tests.Qt;

public sealed class QDataStreamMalformedTests
{
    [Theory]
    [InlineData("00000001")]
    [InlineData("0000000300410042")]
    [InlineData("7fffffff")]
    public void A_QString_with_an_odd_byte_length_is_malformed_even_before_its_bytes_arrive(string hex)
    {
        var ex = Assert.Throws<QDataStreamException>(() => QtValue.Decode("QString", Bytes.Segments(Bytes.Hex(hex))));
        Assert.Contains("odd", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("QString", "00000010", 14)]
    [InlineData("QString", "fffffffe", QDataStreamReader.DefaultMaxSize)]
    [InlineData("QByteArray", "00000009", 8)]
    [InlineData("QByteArray", "fffffffe", QDataStreamReader.DefaultMaxSize)]
    public void A_length_over_the_maximum_throws_without_waiting_for_the_data(string type, string hex, int maxSize)
    {
        var ex = Assert.Throws<QDataStreamSizeLimitException>(
            () => QtValue.Decode(type, Bytes.Segments(Bytes.Hex(hex)), QDataStreamVersion.Qt_5_15, maxSize));
        Assert.Equal(maxSize, ex.MaxSize);
        Assert.Equal(Convert.ToUInt32(hex, 16), ex.AnnouncedSize);
        Assert.IsAssignableFrom<QDataStreamException>(ex);
    }

    [Theory]
    [InlineData("QString", "00000010", 16)]
    [InlineData("QByteArray", "00000008", 8)]
    public void A_length_at_the_maximum_is_accepted(string type, string hex, int maxSize)
    {
        byte[] data = [.. Bytes.Hex(hex), .. new byte[maxSize]];
        Assert.True(QtValue.Decode(type, Bytes.Segments(data), QDataStreamVersion.Qt_5_15, maxSize).Complete);
    }

    [Fact]
    public void A_lone_surrogate_is_kept_as_Qt_keeps_it()
    {
        ParseResult result = QtValue.Decode("QString", Bytes.Segments(Bytes.Hex("00000004d8000041")));
        Assert.Equal("\uD800A", result.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-1)]
    public void Unsupported_versions_are_refused(int version)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QDataStreamReader(ReadOnlySequence<byte>.Empty, (QDataStreamVersion)version));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QDataStreamWriter(new ArrayBufferWriter<byte>(), (QDataStreamVersion)version));
    }
}
