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

        // The first send starts the drain loop, whose first read finds nothing and parks before the bytes are
        // written: from then on only a wake-up moves it, and the scope holds that. (A first send outside the scope,
        // waited for until its bytes were counted as sent, did not make sure of that: the loop, counted but not yet
        // parked again, took the scope's lines in the same turn on a loaded machine.)
        using (SwitchboardConnection.DeferSends())
        {
            for (var i = 0; i <= 100; i++)
            {
                Assert.True(server.TrySend(Encoding.ASCII.GetBytes($"{i}\n")));
            }

            // The wake-up is held by the scope: nothing of it has been handed to the socket yet.
            Assert.Equal(0, server.BytesSent);
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
