using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Switchboard.Net.Framing;
using Switchboard.Net.Qt;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Net.Tests.Qt;

public sealed class FortuneCodecTests
{
    public static TheoryData<FortuneFraming> Framings() => [FortuneFraming.Qt5, FortuneFraming.Qt4, FortuneFraming.Local];

    [Theory]
    [MemberData(nameof(Framings))]
    public void Every_fortune_round_trips_split_at_every_byte_boundary(FortuneFraming framing)
    {
        FortuneCodec codec = FortuneCodecs.Create(framing);
        Arbitrary<string> texts = QtGen.Strings().Generator.Select(s => s ?? string.Empty).ToArbitrary();
        Prop.ForAll(texts, text =>
        {
            byte[] encoded = Encode(codec, text);
            SplitChecker.CheckWithTrailer(encoded, text, data => FortuneParse.Run(codec, data));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public void Two_fortunes_back_to_back_are_read_one_at_a_time(FortuneFraming framing)
    {
        FortuneCodec codec = FortuneCodecs.Create(framing);
        Arbitrary<string> texts = QtGen.Strings().Generator.Select(s => s ?? string.Empty).ToArbitrary();
        Prop.ForAll(texts, texts, (first, second) =>
        {
            ReadOnlySequence<byte> buffer = Bytes.Segments(Encode(codec, first), Encode(codec, second));
            Assert.True(codec.TryRead(ref buffer, out string one));
            Assert.True(codec.TryRead(ref buffer, out string two));
            Assert.False(codec.TryRead(ref buffer, out _));
            Assert.Equal((first, second), (one, two));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(FortuneFraming.Qt5, 4)]
    [InlineData(FortuneFraming.Qt4, 6)]
    [InlineData(FortuneFraming.Local, 8)]
    public void Message_size_is_header_plus_two_bytes_per_UTF16_unit(FortuneFraming framing, int header)
    {
        FortuneCodec codec = FortuneCodecs.Create(framing);
        Assert.Equal(header, codec.HeaderSize);
        Assert.Equal(header + 4, codec.GetMessageSize("ab"));
        Assert.Equal(header + 4, Encode(codec, "ab").Length);
        Assert.Equal(header + 4, Encode(codec, "😀").Length);
        Assert.Equal(header, Encode(codec, string.Empty).Length);
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public void Writing_a_fortune_over_the_maximum_is_refused_and_reading_one_throws(FortuneFraming framing)
    {
        FortuneCodec small = FortuneCodecs.Create(framing, maxMessageSize: 40);
        FortuneCodec large = FortuneCodecs.Create(framing);
        string text = new('x', 30);
        Assert.Throws<MessageTooLargeException>(() => small.Write(text, new ArrayBufferWriter<byte>()));

        byte[] encoded = Encode(large, text);

        // Only the headers: the limit is enforced before the body has to arrive.
        int headers = framing switch { FortuneFraming.Qt5 => 4, FortuneFraming.Qt4 => 2, _ => 4 };
        ReadOnlySequence<byte> buffer = Bytes.Segments(encoded[..headers]);
        Assert.Throws<QDataStreamSizeLimitException>(() => small.TryRead(ref buffer, out _));
    }

    [Fact]
    public void Qt4_limits_the_message_to_what_a_quint16_block_size_can_express()
    {
        var codec = new Qt4FortuneCodec(int.MaxValue);
        Assert.Equal(2 + 65535, codec.MaxMessageSize);
        string largest = new('x', (65535 - 4) / 2);
        Assert.Equal(2 + 4 + (2 * largest.Length), Encode(codec, largest).Length);
        Assert.Throws<MessageTooLargeException>(() => codec.Write(largest + "xx", new ArrayBufferWriter<byte>()));
    }

    [Theory]
    [InlineData("0003000000", "cannot hold")]
    [InlineData("00080000000600410042", "longer than the block")]
    [InlineData("000a000000040041004200ff", "after its QString")]
    [InlineData("0006000000030041", "odd")]
    public void Qt4_blocks_that_disagree_with_their_QString_are_malformed(string hex, string message)
    {
        ReadOnlySequence<byte> buffer = Bytes.Segments(Bytes.Hex(hex));
        var ex = Assert.Throws<QDataStreamException>(() => new Qt4FortuneCodec().TryRead(ref buffer, out _));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00000003" + "00000004" + "00410042", "announces 3")]
    [InlineData("00000001" + "ffffffff", "announces 1")]
    public void Local_counts_that_disagree_with_their_QString_are_malformed(string hex, string message)
    {
        ReadOnlySequence<byte> buffer = Bytes.Segments(Bytes.Hex(hex));
        var ex = Assert.Throws<QDataStreamException>(() => new LocalFortuneCodec().TryRead(ref buffer, out _));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FortuneFraming.Qt5, "ffffffff")]
    [InlineData(FortuneFraming.Qt4, "0004ffffffff")]
    [InlineData(FortuneFraming.Local, "00000000ffffffff")]
    public void A_null_QString_reads_as_an_empty_fortune(FortuneFraming framing, string hex)
    {
        SplitChecker.Check(Bytes.Hex(hex), string.Empty, data => FortuneParse.Run(FortuneCodecs.Create(framing), data));
    }

    [Fact]
    public void A_qt4_reader_fed_qt5_bytes_fails_or_waits_but_never_reads_a_wrong_fortune()
    {
        // Mismatched framings: the wrong reader must not hand back text. Here it sees block size 0 (< 4): malformed.
        byte[] qt5 = Encode(new Qt5FortuneCodec(), "Hello");
        ReadOnlySequence<byte> buffer = Bytes.Segments(qt5);
        Assert.Throws<QDataStreamException>(() => new Qt4FortuneCodec().TryRead(ref buffer, out _));
    }

    private static byte[] Encode(FortuneCodec codec, string text)
    {
        var output = new ArrayBufferWriter<byte>();
        codec.Write(text, output);
        return output.WrittenSpan.ToArray();
    }
}
