namespace Switchboard.Net;

/// <summary>Why a connection could not be made.</summary>
public enum ConnectError
{
    /// <summary>The host name does not resolve.</summary>
    HostNotFound,

    /// <summary>Nothing listens there: the peer answered with a reset.</summary>
    Refused,

    /// <summary>No answer within the connect timeout.</summary>
    TimedOut,

    /// <summary>The network or host is unreachable.</summary>
    Unreachable,

    /// <summary>The TLS handshake failed, or the server's certificate is not trusted.</summary>
    TlsFailure,

    /// <summary>
    /// The peer accepted the connection and reset it before the connect completed (a server that drops newcomers
    /// at once, e.g. over its connection cap). Unlike <see cref="Refused"/>, something does listen there.
    /// </summary>
    Reset,

    /// <summary>The Unix socket path does not exist.</summary>
    PathNotFound,

    /// <summary>The proxy turned down the credentials, or needs some and none were given. The message has its reason.</summary>
    ProxyAuthenticationFailed,

    /// <summary>
    /// The proxy did not open the tunnel to the target: it refused the CONNECT (by its rules, or an HTTP status
    /// other than 2xx and 407), failed generally, or did not speak its protocol. The message has its reason.
    /// </summary>
    ProxyRefused,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>A connect attempt failed; <see cref="Error"/> says why, the message says it for people.</summary>
public sealed class ConnectException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ConnectException(ConnectError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of failure.</summary>
    public ConnectError Error { get; }
}
