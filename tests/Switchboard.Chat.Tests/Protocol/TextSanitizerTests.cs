using Switchboard.Chat.Protocol;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Protocol;

/// <summary>What the server lets through to other clients: no controls, nothing invisible that disguises text.</summary>
public sealed class TextSanitizerTests
{
    [Theory]
    [InlineData("evil\u202Etxt.exe", "eviltxt.exe")]
    [InlineData("\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee", "abcde")]
    [InlineData("\u2066a\u2067b\u2068c\u2069d", "abcd")]
    [InlineData("zero\u200Bwidth", "zerowidth")]
    [InlineData("\uFEFFbom", "bom")]
    [InlineData("arabic\u061Cmark", "arabicmark")]
    [InlineData("line\u2028para\u2029end", "line para end")]
    public void Invisible_formatting_characters_are_dropped(string input, string expected)
        => Assert.Equal(expected, TextSanitizer.Clean(input));

    [Fact]
    public void Ordinary_text_is_untouched()
    {
        const string text = "héllo wörld 🎉 مرحبا שלום";
        Assert.Same(text, TextSanitizer.Clean(text));
    }

    [Fact]
    public void Controls_are_still_replaced_and_tab_is_a_space()
        => Assert.Equal("a\uFFFD]0;t\uFFFD b\uFFFD", TextSanitizer.Clean("a\u001b]0;t\u0007\tb\u0085"));

    [Fact]
    public async Task A_message_reaches_the_room_without_its_bidi_override()
    {
        await using var server = await TestServer.StartAsync();
        await using var mallory = await server.JoinAsync("mallory");
        await using var alice = await server.JoinAsync("alice");
        await mallory.SendLineAsync("see invoice\u202Efdp.exe\u200B\u2066 now");
        var line = await alice.WaitForContainsAsync("<mallory> see invoice");
        Assert.EndsWith("<mallory> see invoicefdp.exe now", line, StringComparison.Ordinal);
    }
}
