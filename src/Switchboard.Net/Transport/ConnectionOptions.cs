namespace Switchboard.Net;

/// <summary>What a connection does when its outbound buffer is full.</summary>
public enum BackpressureMode
{
    /// <summary><see cref="SwitchboardConnection.SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/> waits until the peer has read enough.</summary>
    Wait,

    /// <summary>Sending fails at once with <see cref="OutboundBufferFullException"/>.</summary>
    FailFast,
}

/// <summary>
/// Per-connection limits and behaviour. Every default is bounded: unlimited buffering lets one slow peer take the
/// server's memory.
/// </summary>
public partial class ConnectionOptions
{
    /// <summary>
    /// Bytes queued for sending beyond which the buffer counts as full: 1 MiB by default. The limit is soft by at
    /// most one message: a send is accepted while the buffer is below the limit.
    /// </summary>
    public int MaxOutboundBufferSize { get; set; } = 1024 * 1024;

    /// <summary>What sending does when the outbound buffer is full. Default: wait.</summary>
    public BackpressureMode Backpressure { get; set; } = BackpressureMode.Wait;

    /// <summary>
    /// Closes the connection when nothing has been received for this long. Default: none, as for QTcpSocket; a
    /// server facing the internet should set one.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Turns on TCP keep-alive probes after this much silence, so a vanished peer is noticed. Default: off.
    /// Ignored on Unix sockets. See also <see cref="KeepAliveInterval"/> and <see cref="KeepAliveCount"/>.
    /// </summary>
    public TimeSpan? KeepAlive { get; set; }

    /// <summary>How long a graceful close may take to flush pending output before the connection is aborted: 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
