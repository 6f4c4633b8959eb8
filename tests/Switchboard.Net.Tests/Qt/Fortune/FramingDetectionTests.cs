using System.Buffers;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Net.Tests.Qt.Fortune;

/// <summary>A client given no framing reads each one, including the short and empty answers that are hardest to tell apart.</summary>
public sealed class FramingDetectionTests
{
    public static TheoryData<FortuneFraming, string, bool> Answers()
    {
        var data = new TheoryData<FortuneFraming, string, bool>();
        foreach (var framing in new[] { FortuneFraming.Qt5, FortuneFraming.Qt4, FortuneFraming.Local })
        {
            foreach (var text in new[] { "", "a", "ab", "Héllo wörld 🙂", new string('x', 20_000) })
            {
                data.Add(framing, text, false);
                data.Add(framing, text, true);
            }
        }

        return data;
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Answers))]
    public async Task A_client_without_a_framing_detects_each_one(FortuneFraming framing, string fortune, bool local)
    {
        var bytes = new ArrayBufferWriter<byte>();
        FortuneCodecs.Create(framing).Write(fortune, bytes);
        await using var server = await TestServer.SendingAsync(local, bytes.WrittenSpan.ToArray());
        FortuneClient client = server.Client();
        Assert.True(client.DetectsFraming);
        Assert.Equal(fortune, await client.GetFortuneAsync(Timeouts.Token()));
        Assert.Equal(framing, client.Framing);
    }

    [Theory(Timeout = 20_000)]
    [InlineData("ffffffff", "", FortuneFraming.Qt5)]           // a null qt5 QString
    [InlineData("0004ffffffff", "", FortuneFraming.Qt4)]       // a null QString in a qt4 block
    [InlineData("00000000ffffffff", "", FortuneFraming.Local)] // a null QString after a zero count
    public async Task Null_strings_are_detected_too(string hex, string expected, FortuneFraming framing)
    {
        await using var server = await TestServer.SendingAsync(false, Convert.FromHexString(hex));
        FortuneClient client = server.Client();
        Assert.Equal(expected, await client.GetFortuneAsync(Timeouts.Token()));
        Assert.Equal(framing, client.Framing);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_qt4_block_that_disagrees_with_its_string_is_malformed_and_says_the_framing_was_detected()
    {
        await using var server = await TestServer.SendingAsync(false, Convert.FromHexString("00070000000200410a"));
        var error = await Assert.ThrowsAsync<FortuneException>(() => server.Client().GetFortuneAsync(Timeouts.Token()));
        Assert.Equal(FortuneError.Malformed, error.Error);
        Assert.Contains("(detected qt4 framing)", error.Message);
    }
}
