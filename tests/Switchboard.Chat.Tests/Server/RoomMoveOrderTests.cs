using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// A user moving rooms is in the new room before anyone hears that they left the old one. The part's event is
/// raised just before the part goes to the other nodes, so what a handler sees there is what every node's reaction
/// to the part meets: another node that answers the part with a notice for the new room (its user joins too) must
/// find the mover there. Before, the mover was in no room at that moment and such a notice could miss them.
/// </summary>
public sealed class RoomMoveOrderTests
{
    [Fact]
    public async Task A_mover_is_in_the_new_room_when_the_old_room_hears_of_the_part()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await using var bob = await server.JoinAsync("bob");

        var seen = new TaskCompletionSource<IReadOnlyList<string>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.EventRaised += (_, e) =>
        {
            if (e is { Kind: ChatEventKind.Parted, Nick: "bob", Room: ChatNames.DefaultRoom })
            {
                seen.TrySetResult(server.Server.GetRooms().FirstOrDefault(r => r.Name == "den")?.Nicks);
            }
        };

        await bob.SendLineAsync("/join den");
        await alice.WaitForContainsAsync("*** bob left #lobby");
        var denAtPart = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(denAtPart);
        Assert.Contains("bob", denAtPart);

        // The move completes as before: bob hears of his join, and only the lobby heard of his part.
        await bob.WaitForContainsAsync("*** bob joined #den");
        Assert.DoesNotContain(bob.Lines, l => l.Contains("bob left #lobby", StringComparison.Ordinal));
    }
}
