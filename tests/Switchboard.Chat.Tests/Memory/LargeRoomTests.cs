using Switchboard.Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Chat.Tests.Memory;

/// <summary>
/// The "5,000 joins send every member 117 KiB of join notices": above <see cref="ChatServerOptions.JoinNoticeLimit"/>
/// members a join is told to the joiner only, so a crowd joining costs each member nothing.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class LargeRoomTests(ITestOutputHelper output)
{
    private const int Members = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_crowd_joining_a_large_room_does_not_flood_its_members_with_notices()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxConnectionsPerAddress = Members + 10;
            o.JoinReplayCount = 0;
            o.JoinNoticeLimit = 200;
        });
        var clients = new List<LineClient>();
        try
        {
            var first = await server.JoinAsync("first");
            clients.Add(first);
            for (var batch = 0; clients.Count < Members; batch++)
            {
                var connecting = Enumerable.Range(0, Math.Min(100, Members - clients.Count)).Select(async _ =>
                {
                    var client = await LineClient.ConnectAsync(server.Port);
                    await client.WaitForContainsAsync("joined #lobby", Timeout);
                    return client;
                });
                clients.AddRange(await Task.WhenAll(connecting));
            }

            Assert.Equal(Members, server.Server.GetSessions().Count);

            // A message from the first member reaches the last one to join, after every notice queued before it.
            await first.SendLineAsync("/say hello crowd");
            await clients[^1].WaitForContainsAsync("<first> hello crowd", Timeout);

            var notices = first.Lines.Count(l => l.Contains(" joined #lobby", StringComparison.Ordinal));
            output.WriteLine($"{Members} members: the first one saw {notices} join notices ({first.Lines.Count} lines in all)");
            // Its own, and the others' until the room passed the limit; not one per member.
            Assert.InRange(notices, 1, 201);

            // /who still lists everyone, a few KiB per line.
            var before = first.Lines.Count;
            await first.SendLineAsync("/who");
            await first.WaitForContainsAsync("*** #lobby (" + Members + "): ", Timeout);
            var listed = new HashSet<string>(StringComparer.Ordinal);
            await WaitUntilAsync(() =>
            {
                listed.Clear();
                foreach (var line in first.Lines.Skip(before).Where(l => l.StartsWith("*** #lobby (" + Members + "): ", StringComparison.Ordinal)))
                {
                    Assert.True(line.Length <= 4100, $"a /who line of {line.Length} characters");
                    listed.UnionWith(line[line.IndexOf("): ", StringComparison.Ordinal)..].TrimStart(')', ':', ' ').Split(' '));
                }

                return listed.Count == Members;
            });
            Assert.Contains("first", listed);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition) => LazyReplyTests.WaitUntilAsync(condition);
}
