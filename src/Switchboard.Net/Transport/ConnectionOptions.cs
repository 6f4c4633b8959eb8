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
    private int _softLimit = 8 * 1024 * 1024;
    private TimeSpan _softLimitTime = TimeSpan.FromSeconds(10);
    private int _hardLimit = 32 * 1024 * 1024;

    /// <summary>
    /// Bytes queued for sending beyond which the buffer counts as full: 1 MiB by default. The limit is soft by at
    /// most one message: a send is accepted while the buffer is below the limit. Sends that may wait
    /// (<see cref="SwitchboardConnection.SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>) wait here;
    /// broadcasts through a <see cref="ConnectionRegistry"/>, which never wait, follow the slow-consumer limits below.
    /// </summary>
    public int MaxOutboundBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Slow consumers, soft limit: 8 MiB. A connection whose queued output has stayed at or above this for
    /// <see cref="SlowConsumerSoftLimitTime"/> is dropped by the next broadcast, so a reader that lags for a moment
    /// (a burst, a busy machine) is kept and one that does not read is not. Relay-style handlers also stop reading
    /// from their sender while a reader is past it (<see cref="ConnectionRegistry.WaitForSlowConsumersAsync"/>).
    /// </summary>
    public int SlowConsumerSoftLimit
    {
        get => _softLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _softLimit = value;
        }
    }

    /// <summary>How long a connection may stay past <see cref="SlowConsumerSoftLimit"/> before it is dropped: 10 s.</summary>
    public TimeSpan SlowConsumerSoftLimitTime
    {
        get => _softLimitTime;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _softLimitTime = value;
        }
    }

    /// <summary>
    /// Slow consumers, hard limit: 32 MiB. A broadcast that finds this much queued drops the connection at once.
    /// It bounds what one connection can cost; at least <see cref="SlowConsumerSoftLimit"/>.
    /// </summary>
    public int SlowConsumerHardLimit
    {
        get => _hardLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _hardLimit = value;
        }
    }

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

    /// <summary>Checks the limits against each other (each is checked on its own as it is set).</summary>
    /// <exception cref="ArgumentException">The hard limit is below the soft limit.</exception>
    internal void Validate()
    {
        if (SlowConsumerHardLimit < SlowConsumerSoftLimit)
        {
            throw new ArgumentException($"the slow-consumer hard limit ({SlowConsumerHardLimit} bytes) is below the soft limit ({SlowConsumerSoftLimit} bytes)");
        }
    }
}
