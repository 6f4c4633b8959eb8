namespace Switchboard.Net;

/// <summary>A send was refused because the connection's outbound buffer is full: the peer is not reading.</summary>
public sealed class OutboundBufferFullException : IOException
{
    /// <summary>Creates the exception.</summary>
    public OutboundBufferFullException(long queuedBytes, int limit)
        : base($"outbound buffer full ({queuedBytes} bytes queued, limit {limit}): the peer is not reading")
    {
        QueuedBytes = queuedBytes;
    }

    /// <summary>Bytes waiting to be sent when the send was refused.</summary>
    public long QueuedBytes { get; }
}

/// <summary>A send was attempted on a connection that is closing or closed.</summary>
public sealed class ConnectionClosedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionClosedException(string? reason)
        : base(reason is null ? "the connection is closed" : $"the connection is closed: {reason}")
    {
    }
}
