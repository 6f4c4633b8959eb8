using System.Net;
using System.Text;

namespace Switchboard.Net.Tests.Transport;

/// <summary>Sends inside a DeferSends scope are queued and leave when the scope ends.</summary>
public sealed class DeferSendsTests
{
    [Fact]
    public async Task Sends_in_a_scope_wait_for_its_end_then_everything_arrives_in_order()
    {
        var accepted = new TaskCompletionSource<SwitchboardConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), (c, ct) =>
        {
            accepted.TrySetResult(c);
            return Task.Delay(Timeout.Infinite, c.Closed).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", ((IPEndPoint)listener.BoundEndPoint).Port, cancellationToken: TestTimeout.Token());
        var server = await accepted.Task.Within();
        // A first send outside any scope starts the drain loop, which then waits for the next wake-up.
        Assert.True(server.TrySend("0\n"u8));
        await TestTimeout.UntilAsync(() => server.BytesSent == 2, "the first line is sent");

        using (SwitchboardConnection.DeferSends())
        {
            for (var i = 1; i <= 100; i++)
            {
                Assert.True(server.TrySend(Encoding.ASCII.GetBytes($"{i}\n")));
            }

            // The wake-up is held by the scope: nothing of it has been handed to the socket yet.
            Assert.Equal(2, server.BytesSent);
            Assert.True(server.QueuedBytes > 0);
        }

        var expected = string.Concat(Enumerable.Range(0, 101).Select(i => $"{i}\n"));
        var received = new StringBuilder();
        while (received.Length < expected.Length)
        {
            var result = await client.Input.ReadAsync(TestTimeout.Token());
            foreach (var segment in result.Buffer)
            {
                received.Append(Encoding.ASCII.GetString(segment.Span));
            }

            client.Input.AdvanceTo(result.Buffer.End);
            Assert.False(result.IsCompleted, "the server closed early");
        }

        Assert.Equal(expected, received.ToString());
        await TestTimeout.UntilAsync(() => server.QueuedBytes == 0, "the send buffer is empty");
    }
}
