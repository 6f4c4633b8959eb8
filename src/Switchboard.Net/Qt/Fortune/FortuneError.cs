namespace Switchboard.Net.Qt.Fortune;

/// <summary>Why no fortune could be read.</summary>
public enum FortuneError
{
    /// <summary>The host name does not resolve, or no socket exists at the local path.</summary>
    HostNotFound,

    /// <summary>Nothing listens there.</summary>
    Refused,

    /// <summary>The server closed (or reset) the connection before a whole fortune arrived.</summary>
    ClosedEarly,

    /// <summary>Connecting and reading took longer than the timeout.</summary>
    TimedOut,

    /// <summary>The bytes are not a fortune in the expected framing (or exceed the maximum size).</summary>
    Malformed,

    /// <summary>Any other connection failure (unreachable network, TLS, permissions).</summary>
    Other,
}
