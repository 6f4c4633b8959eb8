using System.Text;
using System.Text.Json;
using Switchboard.Chat.Protocol;

namespace Switchboard.Chat.Tests.Protocol;

public sealed class NamesAndFormatTests
{
    [Theory]
    [InlineData("alice", true)]
    [InlineData("Bob_2", true)]
    [InlineData("a-b", true)]
    [InlineData("2fast", false)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("alice@web", false)]
    [InlineData("abcdefghijklmnopqrstuvwxy", false)]
    [InlineData("ålice", false)]
    public void Nicks_are_validated(string nick, bool valid) => Assert.Equal(valid, ChatNames.IsValidNick(nick));

    [Theory]
    [InlineData("#Lobby", "lobby")]
    [InlineData("dev-ops_1", "dev-ops_1")]
    [InlineData("#", null)]
    [InlineData("a b", null)]
    [InlineData("-x", null)]
    public void Rooms_are_normalised(string room, string? expected) => Assert.Equal(expected, ChatNames.NormalizeRoom(room));

    [Fact]
    public void Control_characters_are_replaced_and_nul_is_detected()
    {
        Assert.Equal("a\uFFFD[31mred b", TextSanitizer.Clean("a\u001b[31mred\tb"));
        Assert.Same("plain", TextSanitizer.Clean("plain"));
        Assert.True(TextSanitizer.ContainsNul("a\0b"));
    }

    [Fact]
    public void Json_message_lines_carry_id_room_sender_time_and_text()
    {
        var message = new ChatMessage(42, ChatMessageKind.Say, "lobby", "alice", null, "hé \"quoted\"", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var bytes = JsonFormat.Instance.Message(message, "bob", history: false);
        Assert.Equal((byte)'\n', bytes[^1]);
        Assert.Single(Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;
        Assert.Equal("message", root.GetProperty("type").GetString());
        Assert.Equal(42, root.GetProperty("id").GetInt64());
        Assert.Equal("say", root.GetProperty("kind").GetString());
        Assert.Equal("lobby", root.GetProperty("room").GetString());
        Assert.Equal("alice", root.GetProperty("from").GetString());
        Assert.Equal("hé \"quoted\"", root.GetProperty("text").GetString());
        Assert.Equal(message.Time, root.GetProperty("time").GetDateTimeOffset());
    }

    [Fact]
    public void Text_lines_show_time_room_and_nick()
    {
        var message = new ChatMessage(1, ChatMessageKind.Say, "lobby", "alice", null, "hi", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Assert.Equal("[03:04:05] #lobby <alice> hi\n", Encoding.UTF8.GetString(TextFormat.Instance.Message(message, "bob", false)));
        var secret = message with { Kind = ChatMessageKind.Private, Room = null, Target = "bob" };
        Assert.Equal("[03:04:05] *private* <alice> hi\n", Encoding.UTF8.GetString(TextFormat.Instance.Message(secret, "bob", false)));
        Assert.Equal("[03:04:05] *private to bob* <alice> hi\n", Encoding.UTF8.GetString(TextFormat.Instance.Message(secret, "alice", false)));
        Assert.StartsWith("ERR nick-in-use ", Encoding.UTF8.GetString(TextFormat.Instance.Error("nick-in-use", "taken")));
    }
}
