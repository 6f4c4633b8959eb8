using System.Net.Sockets;
using Switchboard.Chat.Tests.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Chat.Tests.Server;

/// <summary>Stopping and starting one listener from the console API while sessions chat on.</summary>
public sealed class ListenerControlTests
{
    [Fact]
    public async Task A_stopped_listener_turns_newcomers_away_while_its_sessions_chat_and_starting_it_serves_them_again()
    {
        await using var server = await TestServer.StartAsync();
        using var events = server.Server.Subscribe();
        var port = server.Port;
        await using var alice = await server.JoinAsync("alice");
        await using var bob = await server.JoinAsync("bob");

        await server.Server.StopListenerAsync(0);
        var stopped = Assert.Single(server.Server.Listeners);
        Assert.Equal(ListenerState.Stopped, stopped.State);
        Assert.False(stopped.IsListening);
        await AssertTurnedAwayAsync(port);

        await alice.SendLineAsync("still here while stopped");
        await bob.WaitForContainsAsync("<alice> still here while stopped");

        await server.Server.StartListenerAsync(0);
        var started = Assert.Single(server.Server.Listeners);
        Assert.True(started.IsListening);
        Assert.Equal(port, server.Port);
        await using var carol = await server.JoinAsync("carol");
        await alice.SendLineAsync("welcome back, carol");
        await carol.WaitForContainsAsync("<alice> welcome back, carol");

        var kinds = new List<ChatEventKind>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!kinds.Contains(ChatEventKind.ListenerStarted))
        {
            var e = await events.Reader.ReadAsync(timeout.Token);
            if (e.Kind is ChatEventKind.ListenerStopped or ChatEventKind.ListenerStarted)
            {
                Assert.Equal($"tcp 127.0.0.1:{port}", e.Text);
                kinds.Add(e.Kind);
            }
        }

        Assert.Equal([ChatEventKind.ListenerStopped, ChatEventKind.ListenerStarted], kinds);
    }

    [Fact]
    public async Task A_listener_added_at_runtime_brings_its_clients_into_the_same_rooms()
    {
        await using var server = await TestServer.StartAsync();
        using var events = server.Server.Subscribe();
        await using var alice = await server.JoinAsync("alice");

        var added = await server.Server.AddListenerAsync(System.Net.IPAddress.Loopback, 0, tls: false, "test");
        var port = ((System.Net.IPEndPoint)added.BoundEndPoint).Port;
        Assert.NotEqual(server.Port, port);
        Assert.Equal(2, server.Server.Listeners.Count);
        Assert.True(server.Server.Listeners[1].IsListening);

        await using var dave = await LineClient.ConnectAsync(port);
        await dave.WaitForContainsAsync("Welcome");
        await dave.SendLineAsync("/nick dave");
        await dave.WaitForContainsAsync("is now known as dave");
        await dave.SendLineAsync("hello from the new port");
        await alice.WaitForContainsAsync("<dave> hello from the new port");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        ChatServerEvent e;
        do
        {
            e = await events.Reader.ReadAsync(timeout.Token);
        }
        while (e.Kind != ChatEventKind.ListenerAdded);
        Assert.Equal($"tcp 127.0.0.1:{port}", e.Text);
    }

    [Fact]
    public async Task Adding_a_tls_listener_without_a_certificate_is_refused_and_binds_nothing()
    {
        await using var server = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Server.AddListenerAsync(System.Net.IPAddress.Loopback, 0, tls: true));
        Assert.Contains("certificate", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Server.Listeners);
    }

    [Fact]
    public async Task Unknown_listener_ids_are_refused()
    {
        await using var server = await TestServer.StartAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => server.Server.StopListenerAsync(1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => server.Server.StartListenerAsync(-1));
    }

    /// <summary>Refused, or accepted by the kernel and closed without a welcome.</summary>
    private static async Task AssertTurnedAwayAsync(int port)
    {
        LineClient client;
        try
        {
            client = await LineClient.ConnectAsync(port);
        }
        catch (SocketException)
        {
            return;
        }

        await using (client)
        {
            await client.WaitClosedAsync();
            Assert.DoesNotContain(client.Lines, l => l.Contains("Welcome", StringComparison.Ordinal));
        }
    }
}
