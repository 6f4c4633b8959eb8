using System.Buffers;
using System.Runtime.CompilerServices;
using Switchboard.Net;

namespace Switchboard.Web.Client;

/// <summary>A TCP, TLS or Unix-socket connection made with <see cref="SwitchboardConnection"/>.</summary>
internal sealed class StreamLink(SwitchboardConnection connection) : IClientLink
{
    // One frame to the browser carries at most this much; a fast sender is split into several.
    private const int MaxChunk = 64 * 1024;
    private long _chunksIn;

    public string Transport => connection.TransportKind.ToString().ToLowerInvariant();

    public string Remote => SwitchboardConnection.DescribeEndPoint(connection.RemoteEndPoint);

    public string Local => SwitchboardConnection.DescribeEndPoint(connection.LocalEndPoint);

    public long BytesIn => connection.BytesReceived;

    public long BytesOut => connection.BytesSent;

    public long ChunksIn => Interlocked.Read(ref _chunksIn);

    public long ChunksOut => connection.MessagesSent;

    public string? CloseReason => connection.CloseReason;

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => connection.SendAsync(data, cancellationToken);

    public async IAsyncEnumerable<ReceivedChunk> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var input = connection.Input;
        while (true)
        {
            System.IO.Pipelines.ReadResult result;
            try
            {
                result = await input.ReadAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // A reset or an abort ends the stream like a close; the reason is on the connection.
                yield break;
            }

            var buffer = result.Buffer;
            var take = buffer.Slice(0, Math.Min(buffer.Length, MaxChunk));
            var chunk = take.ToArray();
            input.AdvanceTo(take.End);
            if (chunk.Length > 0)
            {
                Interlocked.Increment(ref _chunksIn);
                yield return new ReceivedChunk(chunk, null);
            }
            else if (result.IsCompleted || result.IsCanceled)
            {
                yield break;
            }
        }
    }

    public Task CloseAsync(string reason) => connection.CloseAsync(reason);

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
