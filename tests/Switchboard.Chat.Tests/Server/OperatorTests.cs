using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

public sealed class OperatorTests
{
    [Fact]
    public async Task Operators_kick_ban_and_announce_and_bans_survive_a_restart()
    {
        var data = new TempDirectory();
        try
        {
            await using (var server = await TestServer.StartAsync(o => o.OperatorSecret = "hunter2", data))
            {
                await using var op = await server.JoinAsync("op");
                await using var troll = await server.JoinAsync("troll");
                await using var victim = await server.JoinAsync("victim");

                await troll.SendLineAsync("/kick victim");
                await troll.WaitForContainsAsync("ERR not-operator");
                await op.SendLineAsync("/oper wrong");
                await op.WaitForContainsAsync("ERR bad-secret");
                await OperAsync(op, "hunter2");

                await op.SendLineAsync("/announce hello everyone");
                await victim.WaitForContainsAsync("ANNOUNCEMENT from op: hello everyone");

                await op.SendLineAsync("/kick victim spamming");
                await victim.WaitForContainsAsync("ERR kicked kicked by op: spamming");
                await victim.WaitClosedAsync();

                await op.SendLineAsync("/ban troll");
                await troll.WaitForContainsAsync("ERR kicked");
                await troll.WaitClosedAsync();
                await op.WaitForContainsAsync("banned nick troll");
            }

            await using (var server = await TestServer.StartAsync(o => o.OperatorSecret = "hunter2", data))
            {
                Assert.Contains(server.Server.GetBans(), b => b.Kind == "nick" && b.Value == "troll");
                await using var again = await server.ConnectAsync();
                await again.SendLineAsync("/nick Troll");
                await again.WaitForContainsAsync("ERR nick-banned");
            }
        }
        finally
        {
            data.Dispose();
        }
    }

    /// <summary>Sends /oper until it is granted, through any back-off from earlier failures (which lasts seconds).</summary>
    internal static async Task OperAsync(LineClient client, string secret)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var from = client.Lines.Count;
            await client.SendLineAsync("/oper " + secret);
            var reply = await client.WaitForAsync(l => l.Contains("you are now an operator", StringComparison.Ordinal) || l.Contains("ERR oper-backoff", StringComparison.Ordinal) || l.Contains("ERR bad-secret", StringComparison.Ordinal), fromIndex: from);
            if (reply.Contains("you are now an operator", StringComparison.Ordinal))
            {
                return;
            }

            Assert.DoesNotContain("bad-secret", reply, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow < deadline, "the back-off never ended");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Oper_is_refused_when_no_secret_is_configured()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.JoinAsync("someone");
        await client.SendLineAsync("/oper guess");
        await client.WaitForContainsAsync("ERR oper-disabled");
    }
}
