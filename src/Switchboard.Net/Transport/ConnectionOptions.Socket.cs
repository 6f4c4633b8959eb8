namespace Switchboard.Net;

/// <summary>The socket options of a connection (QAbstractSocket::setSocketOption); each applies to TCP and TLS, not to Unix sockets.</summary>
public partial class ConnectionOptions
{
    /// <summary>
    /// TCP_NODELAY: small writes leave at once instead of waiting for the previous one's acknowledgement
    /// (Nagle's algorithm). On by default: a chat line or a request should not wait 40 ms.
    /// </summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>
    /// The time between keep-alive probes once <see cref="KeepAlive"/> has started them. Default (null): the same
    /// as <see cref="KeepAlive"/>.
    /// </summary>
    public TimeSpan? KeepAliveInterval { get; set; }

    /// <summary>How many unanswered keep-alive probes close the connection: 3 by default (null).</summary>
    public int? KeepAliveCount { get; set; }

    /// <summary>SO_SNDBUF, the kernel's send buffer in bytes; null (the default) leaves the system's (auto-tuned) size.</summary>
    public int? SendBufferSize { get; set; }

    /// <summary>SO_RCVBUF, the kernel's receive buffer in bytes; null (the default) leaves the system's (auto-tuned) size.</summary>
    public int? ReceiveBufferSize { get; set; }

    /// <summary>
    /// SO_LINGER: how long disposing the socket may wait for unsent bytes. Null (the default) lets the kernel send
    /// them in the background; zero drops them and resets the connection. A graceful <c>CloseAsync</c> flushes
    /// first either way.
    /// </summary>
    public TimeSpan? Linger { get; set; }
}
