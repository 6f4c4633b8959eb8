namespace Switchboard.Web.Client;

/// <summary>A chunk of bytes received by the client page's connection, and from where (UDP only).</summary>
internal readonly record struct ReceivedChunk(byte[] Data, string? From);

/// <summary>The connection the client page opened: a stream (TCP, TLS, Unix) or a UDP socket.</summary>
internal interface IClientLink : IAsyncDisposable
{
    string Transport { get; }

    string Remote { get; }

    string Local { get; }

    long BytesIn { get; }

    long BytesOut { get; }

    long ChunksIn { get; }

    long ChunksOut { get; }

    ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Yields what arrives until the peer closes (streams) or the link is disposed.</summary>
    IAsyncEnumerable<ReceivedChunk> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Closes gracefully (a FIN after the queued bytes).</summary>
    Task CloseAsync(string reason);
}
