using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>One datagram and who sent it.</summary>
/// <param name="Data">The payload.</param>
/// <param name="RemoteEndPoint">The sender.</param>
public readonly record struct UdpDatagram(ReadOnlyMemory<byte> Data, IPEndPoint RemoteEndPoint);

/// <summary>
/// A UDP socket that sends datagrams to host:port and receives them with the sender's endpoint (QUdpSocket).
/// Bound to a local address and port, or to an ephemeral port for a client.
/// </summary>
public sealed partial class UdpEndpoint : IDisposable
{
    /// <summary>The largest UDP payload over IPv4.</summary>
    public const int MaxDatagramSize = 65507;

    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[65536];
    private long _datagramsReceived;
    private long _datagramsSent;
    private long _bytesReceived;
    private long _bytesSent;

    private UdpEndpoint(Socket socket) => _socket = socket;

    /// <summary>The local address and port.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Datagrams received.</summary>
    public long DatagramsReceived => Interlocked.Read(ref _datagramsReceived);

    /// <summary>Datagrams sent.</summary>
    public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

    /// <summary>Payload bytes received.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Payload bytes sent.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Binds a UDP socket. Port 0 picks a free port.</summary>
    public static UdpEndpoint Bind(IPEndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(localEndPoint);
            return new UdpEndpoint(socket);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"cannot bind UDP {localEndPoint}: {ex.Message}", ex);
        }
    }

    /// <summary>A client socket on an ephemeral port, of the family of <paramref name="remote"/>.</summary>
    public static UdpEndpoint ForRemote(IPEndPoint remote)
        => Bind(new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));

    /// <summary>Resolves a host name or address to one endpoint (IPv4 preferred).</summary>
    /// <exception cref="ConnectException">The host does not resolve.</exception>
    public static async Task<IPEndPoint> ResolveAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return new IPEndPoint(literal, port);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null
                ? throw new ConnectException(ConnectError.HostNotFound, $"host not found: {host}")
                : new IPEndPoint(chosen, port);
        }
        catch (SocketException ex)
        {
            throw new ConnectException(ConnectError.HostNotFound, $"host not found: {host}", ex);
        }
    }

    /// <summary>Sends one datagram.</summary>
    /// <exception cref="UdpBroadcastNotEnabledException">The destination is a broadcast address and <see cref="EnableBroadcast"/> is off.</exception>
    /// <exception cref="IOException">The system refused the datagram (no route to the destination, ...).</exception>
    public async ValueTask SendToAsync(ReadOnlyMemory<byte> data, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        if (data.Length > MaxDatagramSize)
        {
            throw new ArgumentException($"a UDP datagram holds at most {MaxDatagramSize} bytes, not {data.Length}", nameof(data));
        }

        int sent;
        try
        {
            sent = await _socket.SendToAsync(data, SocketFlags.None, remote, cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied && !EnableBroadcast)
        {
            // The kernel refuses a broadcast from a socket without SO_BROADCAST (EACCES); say which switch is missing.
            throw new UdpBroadcastNotEnabledException(remote.Address, ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode != SocketError.OperationAborted)
        {
            throw new IOException($"cannot send to {remote}: {ex.Message}", ex);
        }

        Interlocked.Increment(ref _datagramsSent);
        Interlocked.Add(ref _bytesSent, sent);
    }

    /// <summary>
    /// Receives one datagram. The returned data is a copy, safe to keep. ICMP "port unreachable" replies to
    /// earlier sends are ignored rather than surfacing as errors, as with QUdpSocket.
    /// </summary>
    public async ValueTask<UdpDatagram> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(_receiveBuffer, SocketFlags.None, any, cancellationToken);
                Interlocked.Increment(ref _datagramsReceived);
                Interlocked.Add(ref _bytesReceived, result.ReceivedBytes);
                return new UdpDatagram(_receiveBuffer.AsSpan(0, result.ReceivedBytes).ToArray(), (IPEndPoint)result.RemoteEndPoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
            }
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket.Dispose();
}
