using System.Net;
using System.Runtime.CompilerServices;
using Switchboard.Net;

namespace Switchboard.Web.Client;

/// <summary>
/// UDP "connected" to one remote: datagrams go there, and whatever arrives on the local port is shown with its
/// sender, as QUdpSocket would. There is no handshake, so connecting only binds the local port.
/// </summary>
internal sealed class UdpLink(UdpEndpoint endpoint, IPEndPoint remote) : IClientLink
{
    public string Transport => "udp";

    public string Remote => remote.ToString();

    public string Local => endpoint.LocalEndPoint.ToString();

    public long BytesIn => endpoint.BytesReceived;

    public long BytesOut => endpoint.BytesSent;

    public long ChunksIn => endpoint.DatagramsReceived;

    public long ChunksOut => endpoint.DatagramsSent;

    public static async Task<UdpLink> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var remote = await UdpEndpoint.ResolveAsync(host, port, cancellationToken);
        return new UdpLink(UdpEndpoint.ForRemote(remote), remote);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => endpoint.SendToAsync(data, remote, cancellationToken);

    public async IAsyncEnumerable<ReceivedChunk> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            UdpDatagram datagram;
            try
            {
                datagram = await endpoint.ReceiveAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                yield break;
            }

            yield return new ReceivedChunk(datagram.Data.ToArray(), datagram.RemoteEndPoint.ToString());
        }
    }

    public Task CloseAsync(string reason)
    {
        endpoint.Dispose();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        endpoint.Dispose();
        return ValueTask.CompletedTask;
    }
}
