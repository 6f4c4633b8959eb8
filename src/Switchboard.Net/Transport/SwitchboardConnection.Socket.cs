using System.Net.Sockets;

namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    /// <summary>The socket under the connection, for tests that read its options back; nothing else touches it.</summary>
    internal Socket? SocketForTests => _transport?.Socket;

    /// <summary>
    /// The socket options in force, as the kernel reports them (QAbstractSocket::socketOption): what
    /// <see cref="ConnectionOptions"/> asked for after the kernel's adjustments (Linux doubles buffer sizes and
    /// caps them at its maximum). Null on a Unix socket or once the connection has closed.
    /// </summary>
    public SocketOptionValues? ReadSocketOptions()
    {
        if (TransportKind == TransportKind.Unix || _transport?.Socket is not { } socket)
        {
            return null;
        }

        try
        {
            return SocketTuning.Read(socket);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}

/// <summary>A connection's socket options as the kernel reports them; see <see cref="SwitchboardConnection.ReadSocketOptions"/>.</summary>
/// <param name="NoDelay">TCP_NODELAY.</param>
/// <param name="KeepAlive">SO_KEEPALIVE.</param>
/// <param name="KeepAliveIdle">TCP_KEEPIDLE, when keep-alive is on.</param>
/// <param name="KeepAliveInterval">TCP_KEEPINTVL, when keep-alive is on.</param>
/// <param name="KeepAliveCount">TCP_KEEPCNT, when keep-alive is on.</param>
/// <param name="SendBufferSize">SO_SNDBUF in bytes.</param>
/// <param name="ReceiveBufferSize">SO_RCVBUF in bytes.</param>
/// <param name="Linger">SO_LINGER's time when it is on; null when off.</param>
public sealed record SocketOptionValues(bool NoDelay, bool KeepAlive, TimeSpan? KeepAliveIdle, TimeSpan? KeepAliveInterval, int? KeepAliveCount, int SendBufferSize, int ReceiveBufferSize, TimeSpan? Linger);
