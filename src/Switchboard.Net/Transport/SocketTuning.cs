using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>Applies a connection's socket options, once, when the connection is attached to its socket.</summary>
internal static class SocketTuning
{
    public static void Apply(Socket socket, TransportKind kind, ConnectionOptions options)
    {
        if (kind == TransportKind.Unix)
        {
            return;
        }

        try
        {
            socket.NoDelay = options.NoDelay;
            if (options.SendBufferSize is { } send)
            {
                socket.SendBufferSize = send;
            }

            if (options.ReceiveBufferSize is { } receive)
            {
                socket.ReceiveBufferSize = receive;
            }

            if (options.Linger is { } linger)
            {
                socket.LingerState = new LingerOption(true, (int)Math.Ceiling(linger.TotalSeconds));
            }

            if (options.KeepAlive is { } idle)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, Seconds(idle));
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, Seconds(options.KeepAliveInterval ?? idle));
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, options.KeepAliveCount ?? 3);
            }
        }
        catch (SocketException)
        {
            // Tuning is best effort: a platform (or a peer already gone) that refuses an option still leaves a
            // working connection, or one whose failure the first read reports.
        }
    }

    /// <summary>What the kernel reports for the options <see cref="Apply"/> sets, read back with getsockopt.</summary>
    public static SocketOptionValues Read(Socket socket)
    {
        var keepAlive = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0;
        var linger = socket.LingerState;
        return new SocketOptionValues(
            socket.NoDelay,
            keepAlive,
            keepAlive ? TimeSpan.FromSeconds((int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!) : null,
            keepAlive ? TimeSpan.FromSeconds((int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!) : null,
            keepAlive ? (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)! : null,
            socket.SendBufferSize,
            socket.ReceiveBufferSize,
            linger is { Enabled: true } ? TimeSpan.FromSeconds(linger.LingerTime) : null);
    }

    private static int Seconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
}
