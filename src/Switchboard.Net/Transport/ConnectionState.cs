namespace Switchboard.Net;

/// <summary>The life of a connection, as QAbstractSocket::SocketState.</summary>
public enum ConnectionState
{
    /// <summary>Not connected, and not trying to.</summary>
    Unconnected,

    /// <summary>Resolving the host name.</summary>
    HostLookup,

    /// <summary>Connecting (TCP handshake, then the TLS handshake if any).</summary>
    Connecting,

    /// <summary>Connected: bytes flow both ways.</summary>
    Connected,

    /// <summary>Closing gracefully: pending output is being flushed, or the peer has ended its side.</summary>
    Closing,

    /// <summary>Closed; the connection cannot be used again.</summary>
    Closed,

    /// <summary>
    /// Of a <see cref="ReconnectingClient"/> only: the connection was lost (or could not be made) and the next
    /// attempt waits out its backoff delay.
    /// </summary>
    Reconnecting,
}

/// <summary>The transport under a connection.</summary>
public enum TransportKind
{
    /// <summary>Plain TCP.</summary>
    Tcp,

    /// <summary>TLS over TCP.</summary>
    Tls,

    /// <summary>A Unix domain socket (QLocalSocket on Unix).</summary>
    Unix,
}

/// <summary>Arguments of <see cref="SwitchboardConnection.StateChanged"/>.</summary>
/// <param name="OldState">The state before.</param>
/// <param name="NewState">The state now.</param>
/// <param name="Reason">Why, when the connection closed.</param>
public sealed record ConnectionStateChangedEventArgs(ConnectionState OldState, ConnectionState NewState, string? Reason);
