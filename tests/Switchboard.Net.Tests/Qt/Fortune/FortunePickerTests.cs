using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Net.Tests.Qt.Fortune;

public sealed class FortunePickerTests
{
    [Fact]
    public void No_client_gets_the_same_fortune_twice_in_a_row_and_every_fortune_comes_up()
    {
        Gen<(int Count, int Seed, int[] Clients)> cases =
            from count in Gen.Choose(2, 6)
            from seed in ArbMap.Default.GeneratorFor<int>()
            from clients in Gen.Choose(0, 3).ArrayOf()
            select (count, seed, clients);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            string[] fortunes = Enumerable.Range(0, c.Count).Select(i => $"f{i}").ToArray();
            var server = new FortuneServer(fortunes, FortuneFraming.Qt5, random: new Random(c.Seed));
            var last = new Dictionary<int, string>();
            foreach (int client in c.Clients)
            {
                string next = server.NextFortune($"10.0.0.{client}");
                Assert.NotEqual(last.GetValueOrDefault(client), next);
                last[client] = next;
            }
        }).QuickCheckThrowOnFailure();

        var seen = new HashSet<string>();
        var picker = new FortuneServer(["a", "b", "c", "d"], FortuneFraming.Qt5, random: new Random(1));
        for (int i = 0; i < 200; i++)
        {
            seen.Add(picker.NextFortune("x"));
        }

        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public void A_single_fortune_is_served_every_time()
    {
        var server = new FortuneServer(["only", "only"], FortuneFraming.Qt5);
        Assert.Single(server.Fortunes);
        Assert.Equal("only", server.NextFortune("x"));
        Assert.Equal("only", server.NextFortune("x"));
    }

    [Fact]
    public void Clients_are_keyed_by_address_not_port()
    {
        Assert.Equal("127.0.0.1", FortuneServer.ClientKey(new IPEndPoint(IPAddress.Loopback, 1)));
        Assert.Equal("127.0.0.1", FortuneServer.ClientKey(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 2)));
        Assert.Equal("local", FortuneServer.ClientKey(new UnixDomainSocketEndPoint("/tmp/x")));
    }
}
