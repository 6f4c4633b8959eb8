using System.Globalization;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// /rooms answers a page at a time (50 rooms in name order, then "more: /rooms LAST"), so one request costs a page,
/// never the list of every room (20,308 rooms once made a reply of 81.8 MB).
/// </summary>
public sealed class RoomListTests
{
    private const int Rooms = 120;

    [Fact]
    public async Task Rooms_come_in_pages_of_50_in_name_order_with_counts_and_topics()
    {
        await using var server = await TestServer.StartAsync(o => o.JoinReplayCount = 0);
        // Rooms kept for their topics (nobody in them), made on the server's side: 120 /join and /topic lines would
        // only test the rate limits.
        var names = Enumerable.Range(0, Rooms).Select(i => "r" + i.ToString("D3", CultureInfo.InvariantCulture)).ToList();
        foreach (var name in names.AsEnumerable().Reverse())
        {
            server.Server.Rooms.GetOrCreate(name).Topic = "topic of " + name;
        }

        await using var alice = await server.JoinAsync("alice");
        await alice.SendLineAsync("/join r007");
        await alice.WaitForContainsAsync("alice joined #r007");

        var listed = new List<string>();
        string? after = null;
        for (var page = 0; ; page++)
        {
            Assert.True(page < 10, "more pages than there are rooms");
            var from = alice.Lines.Count;
            await alice.SendLineAsync(after is null ? "/rooms" : "/rooms " + after);
            var last = await alice.WaitForAsync(l => l.Contains("more: /rooms ", StringComparison.Ordinal) || l.Contains("end of rooms", StringComparison.Ordinal), fromIndex: from);
            var lines = alice.Lines.Skip(from).TakeWhile(l => l != last).Where(l => l.StartsWith("***   #", StringComparison.Ordinal)).ToList();
            Assert.InRange(lines.Count, 1, 50);
            Assert.Contains(alice.Lines.Skip(from), l => l == (after is null ? "*** rooms:" : $"*** rooms after #{after}:"));
            listed.AddRange(lines.Select(l => l["***   #".Length..l.IndexOf(' ', "***   #".Length)]));
            if (last.Contains("end of rooms", StringComparison.Ordinal))
            {
                break;
            }

            Assert.Equal(50, lines.Count);
            after = last[(last.IndexOf("more: /rooms ", StringComparison.Ordinal) + "more: /rooms ".Length)..];
            Assert.Equal(listed[^1], after);
        }

        // Every room once, in ordinal order: the 120 kept for topics, the lobby (everyone else) and alice's.
        var expected = names.Append(ChatNames.DefaultRoom).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, listed);
        Assert.Contains(alice.Lines, l => l == "***   #r007 (1 member) topic of r007");
        Assert.Contains(alice.Lines, l => l == "***   #r008 (0 members) topic of r008");
        Assert.Contains(alice.Lines, l => l == "***   #lobby (0 members)");

        // A page from a name that is not a room starts after where it would be.
        var start = alice.Lines.Count;
        await alice.SendLineAsync("/rooms r0995");
        await alice.WaitForContainsAsync("***   #r100 (0 members)");
        Assert.DoesNotContain(alice.Lines.Skip(start), l => l.StartsWith("***   #r099 ", StringComparison.Ordinal));

        await alice.SendLineAsync("/rooms not a room!");
        await alice.WaitForContainsAsync("ERR bad-arguments");
    }
}
