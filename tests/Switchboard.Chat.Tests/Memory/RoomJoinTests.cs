using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Memory;

/// <summary>
/// Joining is O(1) per member: a room keeps its members in a set and builds the array that delivery walks only when
/// a delivery needs it after a change. Before, every join and part copied the whole member array (5,000 joins:
/// 12.5 million element copies). Counted, not timed: how many snapshots the lobby built.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class RoomJoinTests
{
    private const int Crowd = 400;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_crowd_joining_builds_no_member_snapshot_and_the_next_message_builds_one()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxConnectionsPerAddress = Crowd + 10;
            o.JoinReplayCount = 0;
            // Small rooms still tell every member of a join, which walks the members; above this, nobody walks them.
            o.JoinNoticeLimit = 3;
        });
        var lobby = server.Server.Rooms.Find(ChatNames.DefaultRoom)!;
        var clients = new List<LineClient>();
        try
        {
            var first = await server.JoinAsync("first");
            clients.Add(first);
            await ConnectAsync(server, clients, 10);
            var builds = lobby.SnapshotBuilds;

            await ConnectAsync(server, clients, Crowd);
            Assert.Equal(Crowd + 1, lobby.Count);
            Assert.Equal(builds, lobby.SnapshotBuilds);

            // One message: one snapshot, which reaches every member, the last to join included.
            await first.SendLineAsync("hello crowd");
            await clients[^1].WaitForContainsAsync("<first> hello crowd", Timeout);
            Assert.Equal(builds + 1, lobby.SnapshotBuilds);
            Assert.Equal(Crowd + 1, lobby.Members.Length);

            // Another with nobody joining or leaving in between reuses it.
            await first.SendLineAsync("hello again");
            await clients[^1].WaitForContainsAsync("<first> hello again", Timeout);
            Assert.Equal(builds + 1, lobby.SnapshotBuilds);

            // Parts are O(1) too, and the members who stay still hear the room.
            var leaving = clients.GetRange(clients.Count - 100, 100);
            clients.RemoveRange(clients.Count - 100, 100);
            foreach (var client in leaving)
            {
                await client.DisposeAsync();
            }

            await WaitUntilAsync(() => lobby.Count == Crowd + 1 - 100);
            await first.SendLineAsync("after the parts");
            await clients[^1].WaitForContainsAsync("<first> after the parts", Timeout);
            Assert.Equal(Crowd + 1 - 100, lobby.Members.Length);
            Assert.Equal(server.Server.GetSessions().Select(s => s.Nick).Order(StringComparer.Ordinal), lobby.Members.Select(m => m.Nick).Order(StringComparer.Ordinal));
            Assert.Equal(builds + 2, lobby.SnapshotBuilds);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task ConnectAsync(TestServer server, List<LineClient> clients, int total)
    {
        while (clients.Count < total + 1)
        {
            var connecting = Enumerable.Range(0, Math.Min(50, total + 1 - clients.Count)).Select(async _ =>
            {
                var client = await LineClient.ConnectAsync(server.Port);
                await client.WaitForContainsAsync("joined #lobby", Timeout);
                return client;
            });
            clients.AddRange(await Task.WhenAll(connecting));
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition) => LazyReplyTests.WaitUntilAsync(condition);
}
