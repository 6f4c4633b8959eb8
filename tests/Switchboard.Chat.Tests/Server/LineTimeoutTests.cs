using System.Net.Sockets;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

/// <summary>
/// Issue 13, "partial lines forever": a peer trickling bytes without a newline, its first line included, is closed
/// with <c>ERR line-timeout</c> long before the idle timeout, while a client that finishes its lines stays however
/// long it pauses between them, and one that only reads (a lurker) is left to the idle timeout.
/// </summary>
public sealed class LineTimeoutTests
{
    // Lowered from 30 s; generous enough that a loaded machine still answers the welcome with /nick in time.
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_client_trickling_a_line_is_closed_while_a_normal_client_stays()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.LineTimeout = LineTimeout;
            o.IdleTimeout = TimeSpan.FromMinutes(10);
        });
        await using var alice = await server.JoinAsync("alice");
        await using var lurker = await server.ConnectAsync();
        await using var trickler = await server.JoinAsync("trickler");

        // One byte at a time, never a newline: each byte would reset an idle timer, never the line deadline.
        var sent = await TrickleUntilClosedAsync(trickler, TimeSpan.FromSeconds(60));

        var error = await trickler.WaitForContainsAsync("ERR line-timeout");
        Assert.Contains("line not finished within 5 s", error, StringComparison.Ordinal);
        await trickler.WaitClosedAsync();
        Assert.True(sent >= 2, $"only {sent} bytes trickled before the close");

        // Alice has been quiet for longer than the line deadline, between lines: she is still served.
        Assert.False(alice.IsClosed);
        var before = alice.Lines.Count;
        await alice.SendLineAsync("/ping");
        await alice.WaitForAsync(l => l.Contains("pong", StringComparison.Ordinal), what: "a pong", fromIndex: before);
        Assert.DoesNotContain(alice.Lines, l => l.Contains("line-timeout", StringComparison.Ordinal));

        // The lurker never said a thing, for longer than the deadline: it still reads what is said.
        Assert.False(lurker.IsClosed);
        await alice.SendLineAsync("still here");
        await lurker.WaitForContainsAsync("still here");
        Assert.DoesNotContain(lurker.Lines, l => l.Contains("line-timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_first_line_that_is_never_finished_is_closed()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.LineTimeout = LineTimeout;
            o.IdleTimeout = TimeSpan.FromMinutes(10);
        });
        await using var silent = await server.ConnectAsync();
        await silent.SendAsync("/nick half"u8.ToArray());

        var error = await silent.WaitForContainsAsync("ERR line-timeout", TimeSpan.FromSeconds(60));
        Assert.Contains("no complete line within 5 s", error, StringComparison.Ordinal);
        await silent.WaitClosedAsync();
    }

    private static async Task<int> TrickleUntilClosedAsync(LineClient client, TimeSpan limit)
    {
        var sent = 0;
        var deadline = DateTime.UtcNow + limit;
        while (!client.IsClosed && DateTime.UtcNow < deadline)
        {
            try
            {
                await client.SendAsync("x"u8.ToArray());
                sent++;
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                break;
            }

            await Task.Delay(250);
        }

        return sent;
    }
}
