using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Framing;

public sealed class LineFramingTests
{
    private static readonly Func<ReadOnlySequence<byte>, byte[]> Copy = m => m.ToArray();

    [Fact]
    public void Lf_and_crlf_lines_both_parse_without_their_terminators()
    {
        var wire = "one\r\ntwo\nthree\r\n"u8.ToArray();
        var outcome = FramingHarness.Parse(new LineReader(), wire);
        Assert.Equal(["one", "two", "three"], outcome.Messages.Select(Encoding.UTF8.GetString));
        Assert.Equal(0, outcome.Leftover);
    }

    [Fact]
    public void Every_split_point_gives_the_same_lines()
    {
        var wire = Encoding.UTF8.GetBytes("héllo wörld\r\n\n𝄞 clef\nlast\r\n");
        var expected = new[] { "héllo wörld", "", "𝄞 clef", "last" };
        for (var a = 0; a <= wire.Length; a++)
        {
            for (var b = a; b <= wire.Length; b++)
            {
                var outcome = FramingHarness.Parse(new LineReader(), wire, a, b);
                Assert.Equal(expected, outcome.Messages.Select(Encoding.UTF8.GetString));
                Assert.Equal(0, outcome.Leftover);
            }
        }
    }

    [Fact]
    public void A_partial_line_waits_for_more()
    {
        var outcome = FramingHarness.Parse(new LineReader(), "complete\npartial"u8.ToArray());
        Assert.Single(outcome.Messages);
        Assert.Equal(7, outcome.Leftover);
    }

    [Fact]
    public void Lines_round_trip_through_the_writer_for_any_text_and_any_split()
    {
        var text = ArbMap.Default.GeneratorFor<string>()
            .Where(s => s is not null)
            .Select(s => new string(s.Where(c => c != '\n' && c != '\r' && !char.IsSurrogate(c)).ToArray()));
        var gen = from lines in text.ListOf()
                  from crlf in ArbMap.Default.GeneratorFor<bool>()
                  from cut in Gen.Choose(0, 1000)
                  select (lines, crlf, cut);
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var writer = new ArrayBufferWriter<byte>();
            var lineWriter = new LineWriter(input.crlf);
            foreach (var line in input.lines)
            {
                lineWriter.WriteMessage(line, writer);
            }

            var wire = writer.WrittenSpan.ToArray();
            var outcome = FramingHarness.Parse(new LineReader(), wire, wire.Length == 0 ? 0 : input.cut % wire.Length);
            return outcome.Leftover == 0 && outcome.Messages.Select(Encoding.UTF8.GetString).SequenceEqual(input.lines);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Garbage_bytes_never_escape_as_anything_but_framing_errors()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            try
            {
                var outcome = FramingHarness.Parse(new LineReader(maxLineLength: 64), bytes, bytes.Length / 2);
                return outcome.Messages.All(m => m.Length <= 64 && !m.Contains((byte)'\n'));
            }
            catch (FramingException)
            {
                return true;
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_line_at_the_limit_passes_and_one_byte_more_fails()
    {
        var reader = new LineReader(maxLineLength: 8);
        Assert.Single(FramingHarness.Parse(reader, "12345678\r\n"u8.ToArray()).Messages);
        Assert.Throws<MessageTooLargeException>(() => FramingHarness.Parse(reader, "123456789\n"u8.ToArray()));
    }

    [Fact]
    public void A_line_without_end_fails_once_it_passes_the_limit_without_waiting_for_the_rest()
    {
        var reader = new LineReader(maxLineLength: 16);
        var endless = new byte[17 + 2];
        endless.AsSpan().Fill((byte)'a');
        var error = Assert.Throws<MessageTooLargeException>(() => FramingHarness.Parse(reader, endless));
        Assert.Equal(16, error.MaxSize);
    }

    [Fact]
    public void A_cr_at_the_limit_waits_for_its_lf()
    {
        var outcome = FramingHarness.Parse(new LineReader(maxLineLength: 4), "abcd\r"u8.ToArray());
        Assert.Empty(outcome.Messages);
        Assert.Equal(5, outcome.Leftover);
    }

    [Fact]
    public void Invalid_utf8_is_a_recoverable_error_that_skips_exactly_that_line()
    {
        var wire = new byte[] { (byte)'o', (byte)'k', (byte)'\n', 0xC3, 0x28, (byte)'\n', (byte)'n', (byte)'e', (byte)'x', (byte)'t', (byte)'\n' };
        var reader = new LineReader();
        var error = Assert.Throws<InvalidMessageException>(() => FramingHarness.Parse(reader, wire));
        Assert.True(error.IsRecoverable);
        // Without validation the same bytes come through as three lines.
        Assert.Equal(3, FramingHarness.Parse(new LineReader(validateUtf8: false), wire).Messages.Count);
    }

    [Fact]
    public void Invalid_utf8_split_across_segments_is_still_detected()
    {
        var wire = new byte[] { (byte)'a', 0xE2, 0x82, (byte)'\n' };
        for (var cut = 1; cut < wire.Length; cut++)
        {
            Assert.Throws<InvalidMessageException>(() => FramingHarness.Parse(new LineReader(), wire, cut));
        }

        var valid = Encoding.UTF8.GetBytes("€\n");
        for (var cut = 1; cut < valid.Length; cut++)
        {
            Assert.Equal("€", Encoding.UTF8.GetString(FramingHarness.Parse(new LineReader(), valid, cut).Messages.Single()));
        }
    }

    [Fact]
    public void The_writer_refuses_a_line_that_contains_lf()
    {
        Assert.Throws<FramingException>(() => LineWriter.Lf.WriteMessage("two\nlines", new ArrayBufferWriter<byte>()));
        Assert.Throws<FramingException>(() => LineWriter.Lf.WriteMessage("two\nlines"u8.ToArray().AsMemory(), new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void The_crlf_writer_ends_lines_with_crlf()
    {
        var writer = new ArrayBufferWriter<byte>();
        LineWriter.Crlf.WriteMessage("hi", writer);
        Assert.Equal("hi\r\n"u8.ToArray(), writer.WrittenSpan.ToArray());
        _ = Copy;
    }
}
