using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Framing;

public sealed class LengthPrefixedFramingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Messages_round_trip_at_every_split_point(int headerSize)
    {
        var payloads = new[] { Array.Empty<byte>(), "a"u8.ToArray(), Enumerable.Range(0, 200).Select(i => (byte)i).ToArray() };
        var writer = new LengthPrefixedWriter(headerSize);
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var payload in payloads)
        {
            writer.WriteMessage(payload, buffer);
        }

        var wire = buffer.WrittenSpan.ToArray();
        Assert.Equal(payloads.Sum(p => p.Length + headerSize), wire.Length);
        for (var cut = 0; cut <= wire.Length; cut++)
        {
            var outcome = FramingHarness.Parse(new LengthPrefixedReader(headerSize), wire, cut, wire.Length - cut);
            Assert.Equal(payloads, outcome.Messages);
            Assert.Equal(0, outcome.Leftover);
        }
    }

    [Fact]
    public void The_header_is_big_endian()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new LengthPrefixedWriter(4).WriteMessage(new byte[258], buffer);
        Assert.Equal(new byte[] { 0, 0, 1, 2 }, buffer.WrittenSpan[..4].ToArray());
        buffer.Clear();
        new LengthPrefixedWriter(2).WriteMessage(new byte[258], buffer);
        Assert.Equal(new byte[] { 1, 2 }, buffer.WrittenSpan[..2].ToArray());
    }

    [Fact]
    public void A_declared_length_over_the_maximum_fails_before_the_payload_arrives()
    {
        var header = new byte[] { 0x7F, 0xFF, 0xFF, 0xFF };
        Assert.Throws<MessageTooLargeException>(() => FramingHarness.Parse(new LengthPrefixedReader(4, maxMessageSize: 1024), header));
    }

    [Fact]
    public void The_writer_refuses_what_the_header_cannot_hold()
    {
        Assert.Throws<MessageTooLargeException>(() => new LengthPrefixedWriter(1).WriteMessage(new byte[256], new ArrayBufferWriter<byte>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPrefixedReader(3));
    }

    [Fact]
    public void A_truncated_message_is_left_waiting()
    {
        var outcome = FramingHarness.Parse(new LengthPrefixedReader(2), new byte[] { 0, 5, 1, 2 });
        Assert.Empty(outcome.Messages);
        Assert.Equal(4, outcome.Leftover);
    }

    [Fact]
    public void Any_payloads_round_trip_with_any_header_size_and_split()
    {
        var gen = from payloads in ArbMap.Default.GeneratorFor<byte[]>().Where(p => p is not null && p.Length < 256).ListOf()
                  from header in Gen.Elements(1, 2, 4)
                  from cut in Gen.Choose(0, 5000)
                  select (payloads, header, cut);
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new LengthPrefixedWriter(input.header);
            foreach (var payload in input.payloads)
            {
                writer.WriteMessage(payload, buffer);
            }

            var wire = buffer.WrittenSpan.ToArray();
            var outcome = FramingHarness.Parse(new LengthPrefixedReader(input.header), wire, wire.Length == 0 ? 0 : input.cut % wire.Length);
            return outcome.Leftover == 0 && outcome.Messages.Count == input.payloads.Count
                && outcome.Messages.Zip(input.payloads).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Garbage_never_escapes_as_anything_but_framing_errors_or_bounded_messages()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            try
            {
                var outcome = FramingHarness.Parse(new LengthPrefixedReader(2, maxMessageSize: 100), bytes ?? [], (bytes?.Length ?? 0) / 3);
                return outcome.Messages.All(m => m.Length <= 100);
            }
            catch (MessageTooLargeException)
            {
                return true;
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Raw_reader_hands_out_bounded_chunks_in_order()
    {
        var wire = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var outcome = FramingHarness.Parse(new RawReader(maxChunkSize: 64), wire, 100, 500);
        Assert.All(outcome.Messages, m => Assert.InRange(m.Length, 1, 64));
        Assert.Equal(wire, outcome.Messages.SelectMany(m => m).ToArray());
    }
}
