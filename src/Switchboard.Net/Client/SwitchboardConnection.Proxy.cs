using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    /// <summary>Resolves the proxy's own name; the target's name is left to the proxy.</summary>
    private static async Task<IPAddress[]> ResolveProxyAsync(ProxyOptions proxy, CancellationToken cancellationToken)
    {
        try
        {
            return await ResolveAsync(proxy.Host, cancellationToken);
        }
        catch (ConnectException ex)
        {
            throw new ConnectException(ex.Error, $"proxy {proxy}: {ex.Message}", ex.InnerException);
        }
    }

    /// <summary>
    /// Connects to the proxy and has it open a tunnel to the target. The returned socket carries the target's
    /// bytes, so TLS (if any) is negotiated end to end through it.
    /// </summary>
    private static async Task<Socket> ConnectThroughProxyAsync(IPAddress[] proxyAddresses, ProxyOptions proxy, string host, int port, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = await ConnectAnyAsync(proxyAddresses, proxy.Port, cancellationToken);
        }
        catch (ConnectException ex)
        {
            throw new ConnectException(ex.Error, $"proxy {proxy}: {ex.Message}", ex.InnerException);
        }

        try
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var target = host.Trim('[', ']');
            await (proxy.Kind == ProxyKind.Socks5
                ? Socks5Handshake.RunAsync(stream, proxy, target, port, cancellationToken)
                : HttpConnectHandshake.RunAsync(stream, proxy, target, port, cancellationToken));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
