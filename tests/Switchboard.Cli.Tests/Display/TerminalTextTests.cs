using System.Buffers;
using System.Text;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Tests.Display;

/// <summary>The one sanitizer every tool uses before a peer's text reaches a terminal.</summary>
public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("plain text, accents é, emoji 🎉, tab\there", "plain text, accents é, emoji 🎉, tab\there")]
    [InlineData("\u001b]52;c;ZXZpbA==\u0007", @"\e]52;c;ZXZpbA==\x07")]
    [InlineData("\u001b]0;owned\u0007", @"\e]0;owned\x07")]
    [InlineData("ok\r\u001b[2K[server] fake line", @"ok\r\e[2K[server] fake line")]
    [InlineData("a\0b\bc\u007fd", @"a\0b\x08c\x7fd")]
    [InlineData("csi\u009b31m", @"csi\x9b31m")]
    [InlineData("one\ntwo", @"one\ntwo")]
    [InlineData("evil\u202Etxt.exe", @"evil\u202etxt.exe")]
    [InlineData("\u2066iso\u2069 zw\u200Bsp \uFEFFbom line\u2028para\u2029", @"\u2066iso\u2069 zw\u200bsp \ufeffbom line\u2028para\u2029")]
    public void Escape_shows_controls_instead_of_obeying_them(string input, string shown)
        => Assert.Equal(shown, TerminalText.Escape(input));

    [Fact]
    public void Escape_keeps_line_breaks_when_asked_and_nothing_else()
        => Assert.Equal("line one\nline two\\e[2J", TerminalText.Escape("line one\nline two\u001b[2J", keepLineBreaks: true));

    [Fact]
    public void Clean_text_is_returned_as_is()
    {
        const string text = "nothing to see";
        Assert.Same(text, TerminalText.Escape(text));
    }

    [Theory]
    [InlineData("hello\tworld é 🎉", "hello\tworld é 🎉")]
    [InlineData("a\u001b]0;t\u0007\0b", "a\uFFFD]0;t\uFFFD\uFFFDb")]
    [InlineData("x\u202Ey\u0085z", "x\uFFFDy\uFFFDz")]
    public void Neutralise_replaces_unsafe_characters_in_a_relayed_line(string input, string relayed)
    {
        var output = new ArrayBufferWriter<byte>();
        TerminalText.Neutralise(Encoding.UTF8.GetBytes(input), output);
        Assert.Equal(relayed, Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
