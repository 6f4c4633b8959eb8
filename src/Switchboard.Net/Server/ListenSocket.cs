using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>Creates the bound, listening socket of a listener, with errors in the user's words.</summary>
internal static class ListenSocket
{
    /// <param name="endPoint">Where to listen.</param>
    /// <param name="backlog">The queue of connections not yet accepted (<see cref="ListenerOptions.Backlog"/>).</param>
    public static Socket Bind(EndPoint endPoint, int backlog = ListenerOptions.DefaultBacklog)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint is IPEndPoint ip && ip.Address.Equals(IPAddress.IPv6Any))
            {
                // [::] takes IPv4 clients too, as Kestrel's does.
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(backlog);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            var where = SwitchboardConnection.DescribeEndPoint(endPoint);
            throw ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new IOException($"cannot listen on {where}: the address is already in use", ex),
                SocketError.AddressNotAvailable => new IOException($"cannot listen on {where}: the address is not one of this machine's", ex),
                SocketError.AccessDenied => new IOException($"cannot listen on {where}: permission denied", ex),
                _ => new IOException($"cannot listen on {where}: {ex.Message}", ex),
            };
        }
    }
}
