using System.Text;
using Switchboard.Web.Client;
using Switchboard.Web.Live;

namespace Switchboard.Web.Tests.Unit;

public sealed class PayloadTests
{
    [Theory]
    [InlineData("none", "hi")]
    [InlineData("lf", "hi\n")]
    [InlineData("crlf", "hi\r\n")]
    public void Text_gets_the_chosen_line_ending(string ending, string expected)
        => Assert.Equal(Encoding.UTF8.GetBytes(expected), Payload.FromText("hi", ending));

    [Theory]
    [InlineData("48 65 6c 6c 6f", new byte[] { 0x48, 0x65, 0x6c, 0x6c, 0x6f })]
    [InlineData("0x48,0x65", new byte[] { 0x48, 0x65 })]
    [InlineData("de:ad-BE EF", new byte[] { 0xde, 0xad, 0xbe, 0xef })]
    [InlineData("00ff", new byte[] { 0x00, 0xff })]
    [InlineData("", new byte[0])]
    public void Hex_accepts_the_usual_separators(string hex, byte[] expected) => Assert.Equal(expected, Payload.FromHex(hex));

    [Theory]
    [InlineData("4")]
    [InlineData("zz")]
    [InlineData("48 6")]
    public void Bad_hex_is_refused_with_its_position(string hex)
    {
        var ex = Assert.Throws<FormatException>(() => Payload.FromHex(hex));
        Assert.Contains("position", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_line_ending_is_refused() => Assert.Throws<FormatException>(() => Payload.FromText("x", "cr"));

    [Fact]
    public void The_event_backlog_keeps_the_newest_and_counts_what_it_dropped()
    {
        var backlog = new EventBacklog<int>(3);
        for (var i = 1; i <= 5; i++)
        {
            backlog.Add(i);
        }

        var (items, dropped) = backlog.TakeAll();
        Assert.Equal([3, 4, 5], items);
        Assert.Equal(2, dropped);
        var (after, droppedAfter) = backlog.TakeAll();
        Assert.Empty(after);
        Assert.Equal(0, droppedAfter);
    }
}
