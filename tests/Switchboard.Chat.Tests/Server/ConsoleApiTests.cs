using System.Text.Json;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>The public surface a web console builds on.</summary>
public sealed class ConsoleApiTests
{
    [Fact]
    public async Task Sessions_listeners_and_rooms_are_listed()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        var listener = Assert.Single(server.Server.Listeners);
        Assert.Equal(Switchboard.Net.TransportKind.Tcp, listener.Transport);
        Assert.Equal($"127.0.0.1:{server.Port}", listener.EndPoint);

        var session = Assert.Single(server.Server.GetSessions());
        Assert.Equal("alice", session.Nick);
        Assert.Equal("lobby", session.Room);
        Assert.StartsWith("127.0.0.1:", session.Peer, StringComparison.Ordinal);
        Assert.True(session.BytesIn > 0 && session.BytesOut > 0 && session.MessagesIn >= 1);
        Assert.Equal("alice", server.Server.GetSession(session.Id)?.Nick);
        var lobby = Assert.Single(server.Server.GetRooms());
        Assert.Equal(["alice"], lobby.Nicks);
    }

    [Fact]
    public async Task Events_report_connects_nicks_messages_and_disconnects()
    {
        await using var server = await TestServer.StartAsync();
        using var events = server.Server.Subscribe();
        var alice = await server.JoinAsync("alice");
        await using (var bob = await server.JoinAsync("bob"))
        {
            await alice.SendLineAsync("hello events");
            await bob.WaitForContainsAsync("<alice> hello events");
        }

        await alice.DisposeAsync();
        var seen = new List<ChatServerEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!seen.Any(e => e.Kind == ChatEventKind.Disconnected && e.Nick == "alice"))
        {
            seen.Add(await events.Reader.ReadAsync(timeout.Token));
        }

        Assert.Contains(seen, e => e.Kind == ChatEventKind.Connected && e.Session is not null);
        Assert.Contains(seen, e => e.Kind == ChatEventKind.NickChanged && e.Nick == "bob");
        var message = Assert.Single(seen, e => e.Kind == ChatEventKind.Message);
        Assert.Equal("hello events", message.Message!.Text);
        Assert.Equal("alice", message.Message.Sender);
        Assert.True(message.Message.Id > 0);
    }

    [Fact]
    public async Task Web_posts_announcements_direct_notices_kicks_and_history()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        var api = server.Server;

        var posted = await api.PostAsync("webby", "#lobby", "from the browser");
        await alice.WaitForContainsAsync("#lobby <webby@web> from the browser");
        await Assert.ThrowsAsync<ArgumentException>(() => api.PostAsync("web user", "lobby", "x"));

        var announced = await api.AnnounceAsync("maintenance at noon");
        await alice.WaitForContainsAsync("ANNOUNCEMENT from console: maintenance at noon");
        Assert.True(announced.Id > posted.Id);

        var id = api.GetSessions().Single(s => s.Nick == "alice").Id;
        Assert.True(api.SendToSession(id, "just for you"));
        await alice.WaitForContainsAsync("*** just for you");

        var history = await api.GetHistoryAsync("lobby", 10);
        Assert.Equal(["from the browser", "maintenance at noon"], history.Select(m => m.Text));
        var after = await api.GetHistoryAsync("lobby", 10, afterId: posted.Id);
        Assert.Equal(announced.Id, Assert.Single(after).Id);

        Assert.True(await api.KickAsync(id, "testing"));
        await alice.WaitForContainsAsync("ERR kicked kicked by console: testing");
        await alice.WaitClosedAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (api.GetSession(id) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(await api.KickAsync(id));
    }

    [Fact]
    public async Task Address_bans_refuse_connections_until_lifted()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        await server.Server.BanAsync("127.0.0.1", "testing");
        await alice.WaitForContainsAsync("ERR kicked kicked by console: testing");
        await using (var refused = await server.ConnectAsync())
        {
            await refused.WaitForContainsAsync("ERR banned");
            await refused.WaitClosedAsync();
        }

        Assert.Contains(server.Server.GetBans(), b => b.Kind == "address" && b.Value == "127.0.0.1");
        Assert.True(await server.Server.UnbanAsync("127.0.0.1"));
        Assert.False(await server.Server.UnbanAsync("127.0.0.1"));
        await using var welcome = await server.ConnectAsync();
        await welcome.WaitForContainsAsync("Welcome");
        await Assert.ThrowsAsync<ArgumentException>(() => server.Server.BanAsync("not a nick"));
    }

    [Fact]
    public async Task Json_mode_resumes_after_an_id_without_duplicates()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.JoinAsync("alice");
        for (var i = 0; i < 30; i++)
        {
            await alice.SendLineAsync($"line {i}");
        }

        await alice.SendLineAsync("/history 1");
        await alice.WaitForContainsAsync("<alice> line 29");
        var all = await server.Server.GetHistoryAsync("lobby", 100);
        var since = all[9].Id;

        await using var program = await server.ConnectAsync();
        await program.SendLineAsync("/mode json");
        await program.SendLineAsync($"/join lobby since={since}");
        await program.WaitForAsync(l => l.Contains("\"type\":\"synced\"", StringComparison.Ordinal), what: "the synced event");
        await alice.SendLineAsync("live after resume");
        await program.WaitForContainsAsync("live after resume");

        var json = program.Lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("welcome", json[0].GetProperty("type").GetString());
        var messages = json.Where(e => e.GetProperty("type").GetString() == "message").ToList();
        var ids = messages.Select(m => m.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Distinct().Order(), ids);
        Assert.Equal(21, ids.Count);
        Assert.True(ids[0] > since);
        var last = messages[^1];
        Assert.Equal("alice", last.GetProperty("from").GetString());
        Assert.Equal("lobby", last.GetProperty("room").GetString());
        Assert.True(last.TryGetProperty("time", out _));
    }
}
