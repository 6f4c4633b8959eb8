using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>Turns the socket error that ended a connect attempt into a <see cref="ConnectException"/>, once.</summary>
internal static class ConnectFailure
{
    /// <param name="error">What the socket reported.</param>
    /// <param name="where">The address or path, as the message names it.</param>
    public static ConnectException From(SocketException error, string where) => error.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => new ConnectException(ConnectError.Refused, $"connection refused by {where}", error),
        // The handshake completed and the peer reset before connect() returned: something listens, and dropped us.
        SocketError.ConnectionReset => new ConnectException(ConnectError.Reset, $"connection reset by {where} while connecting", error),
        SocketError.TimedOut => new ConnectException(ConnectError.TimedOut, $"connection to {where} timed out", error),
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => new ConnectException(ConnectError.Unreachable, $"{where} is unreachable", error),
        _ => new ConnectException(ConnectError.Other, $"cannot connect to {where}: {error.Message}", error),
    };
}
