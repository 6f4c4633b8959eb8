using System.Net;
using System.Text;

namespace Switchboard.Net.Tests.Transport;

public sealed class SmokeTests
{
    [Fact]
    public async Task Tcp_echo_on_an_ephemeral_port()
    {
        await using var listener = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (c, ct) =>
        {
            await foreach (var line in c.ReadLinesAsync(cancellationToken: ct))
            {
                await c.SendAsync(Encoding.UTF8.GetBytes($"echo {line}\n"), ct);
            }
        });
        var port = ((IPEndPoint)listener.BoundEndPoint).Port;
        Assert.NotEqual(0, port);
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port);
        await client.SendAsync(Encoding.UTF8.GetBytes("héllo\n"));
        await foreach (var line in client.ReadLinesAsync().WithCancellation(new CancellationTokenSource(5000).Token))
        {
            Assert.Equal("echo héllo", line);
            break;
        }
    }
}
