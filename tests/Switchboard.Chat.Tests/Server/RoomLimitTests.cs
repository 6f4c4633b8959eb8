using Switchboard.Chat.Rooms;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

public sealed class RoomLimitTests
{
    [Fact]
    public async Task New_rooms_stop_at_the_total_cap_but_existing_rooms_can_still_be_joined()
    {
        // The lobby counts: with a cap of 3, two more rooms fit.
        await using var server = await TestServer.StartAsync(o => o.MaxRooms = 3);
        await using var a = await server.JoinAsync("a");
        await using var b = await server.JoinAsync("b");
        await using var c = await server.JoinAsync("c");

        await a.SendLineAsync("/join one");
        await a.WaitForContainsAsync("a joined #one");
        await b.SendLineAsync("/join two");
        await b.WaitForContainsAsync("b joined #two");
        await c.SendLineAsync("/join three");
        await c.WaitForContainsAsync("ERR too-many-rooms");

        await c.SendLineAsync("/join two");
        await c.WaitForContainsAsync("c joined #two");
        Assert.Equal(3, server.Server.GetRooms().Count);
    }

    [Fact]
    public async Task One_address_creates_a_bounded_number_of_rooms_a_minute()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxRoomsPerAddressPerMinute = 2);
        await using var maker = await server.JoinAsync("maker");
        await using var other = await server.JoinAsync("other");

        await maker.SendLineAsync("/join r1");
        await maker.WaitForContainsAsync("maker joined #r1");
        await other.SendLineAsync("/join r2");
        await other.WaitForContainsAsync("other joined #r2");
        await maker.SendLineAsync("/join r3");
        await maker.WaitForContainsAsync("ERR room-rate");

        // Joining a room that exists is never limited.
        await maker.SendLineAsync("/join r2");
        await maker.WaitForContainsAsync("maker joined #r2");
    }

    [Fact]
    public void The_allowance_refills_over_a_minute_and_other_addresses_have_their_own()
    {
        var clock = new ManualClock();
        var rooms = new RoomRegistry(maxRooms: 100, perAddressPerMinute: 2, clock);
        var alice = System.Net.IPAddress.Parse("192.0.2.1");
        Assert.Equal(RoomOpen.Opened, rooms.TryOpen("a1", alice, out _));
        Assert.Equal(RoomOpen.Opened, rooms.TryOpen("a2", alice, out _));
        Assert.Equal(RoomOpen.TooFast, rooms.TryOpen("a3", alice, out var none));
        Assert.Null(none);
        Assert.Equal(RoomOpen.Opened, rooms.TryOpen("a1", alice, out var existing));
        Assert.Equal("a1", existing!.Name);
        Assert.Equal(RoomOpen.Opened, rooms.TryOpen("b1", System.Net.IPAddress.Parse("192.0.2.2"), out _));

        // Two addresses of one IPv6 /64 are one creator.
        Assert.Equal(RoomOpen.Opened, rooms.TryOpen("v1", System.Net.IPAddress.Parse("2001:db8::1"), out _));
        Assert.Equal(RoomOpen.Opened, rooms.TryOpen("v2", System.Net.IPAddress.Parse("2001:db8::2"), out _));
        Assert.Equal(RoomOpen.TooFast, rooms.TryOpen("v3", System.Net.IPAddress.Parse("2001:db8::3"), out _));

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(RoomOpen.Opened, rooms.TryOpen("a3", alice, out _));
        Assert.Equal(RoomOpen.TooFast, rooms.TryOpen("a4", alice, out _));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
