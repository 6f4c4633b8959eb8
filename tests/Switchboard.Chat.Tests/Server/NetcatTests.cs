using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>The plain-text protocol against the real OpenBSD netcat, as a person would use it.</summary>
public sealed class NetcatTests
{
    [Fact]
    public async Task Real_nc_clients_chat_and_get_private_messages()
    {
        var nc = Peers.Require("nc", "netcat-openbsd");
        await using var server = await TestServer.StartAsync();
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var alice = ChildProcess.Start(nc, ["127.0.0.1", port]);
        using var bob = ChildProcess.Start(nc, ["127.0.0.1", port]);
        var timeout = TimeSpan.FromSeconds(15);
        await alice.WaitForOutputAsync(l => l.Contains("Welcome", StringComparison.Ordinal), timeout, "alice's greeting");
        await bob.WaitForOutputAsync(l => l.Contains("Welcome", StringComparison.Ordinal), timeout, "bob's greeting");

        await alice.WriteLineAsync("/nick alice");
        await bob.WriteLineAsync("/nick bob");
        await alice.WaitForOutputAsync(l => l.Contains("bob", StringComparison.Ordinal) && l.Contains("known as", StringComparison.Ordinal), timeout, "bob's nick change");
        await alice.WriteLineAsync("hello bob, this is nc");
        await bob.WaitForOutputAsync(l => l.EndsWith("#lobby <alice> hello bob, this is nc", StringComparison.Ordinal), timeout, "alice's line at bob");
        await bob.WriteLineAsync("/msg alice nc secret");
        await alice.WaitForOutputAsync(l => l.EndsWith("*private* <bob> nc secret", StringComparison.Ordinal), timeout, "bob's private line at alice");
        await bob.WriteLineAsync("/quit");
        await alice.WaitForOutputAsync(l => l.Contains("bob left #lobby", StringComparison.Ordinal), timeout, "bob leaving");
    }
}
