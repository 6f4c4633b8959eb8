using System.Buffers;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    /// <summary>
    /// Queues bytes for sending. When the send buffer is full this waits for the peer
    /// (<see cref="BackpressureMode.Wait"/>) or throws <see cref="OutboundBufferFullException"/>
    /// (<see cref="BackpressureMode.FailFast"/>).
    /// </summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        => SendAsync(new ReadOnlySequence<byte>(data), cancellationToken);

    /// <summary>
    /// Queues a sequence of bytes (such as what was just read from <see cref="Input"/>) as one write, with one
    /// wake-up of the send loop; see <see cref="SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// </summary>
    public ValueTask SendAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken = default)
    {
        var outbound = Outbound;
        if (outbound.TryWrite(data, out var queued))
        {
            Interlocked.Increment(ref _messagesSent);
            return ValueTask.CompletedTask;
        }

        ThrowIfFailFast(outbound, queued);
        return SendSequenceSlowAsync(outbound, data, cancellationToken);
    }

    /// <summary>Queues one framed message for sending; see <see cref="SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    public ValueTask SendAsync<T>(IMessageWriter<T> writer, T message, CancellationToken cancellationToken = default)
    {
        var outbound = Outbound;
        if (outbound.TryWrite(writer, message, out var queued))
        {
            Interlocked.Increment(ref _messagesSent);
            return ValueTask.CompletedTask;
        }

        ThrowIfFailFast(outbound, queued);
        return SendSlowAsync(outbound, writer, message, cancellationToken);
    }

    /// <summary>
    /// Queues bytes without ever waiting. Returns false when the send buffer is full (the peer is not reading);
    /// the caller decides whether that peer is dropped. Broadcasts use this so one slow peer never stalls the rest.
    /// </summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    public bool TrySend(ReadOnlySpan<byte> data)
    {
        if (!Outbound.TryWrite(data))
        {
            return false;
        }

        Interlocked.Increment(ref _messagesSent);
        return true;
    }

    /// <summary>Queues one framed message without ever waiting; see <see cref="TrySend(ReadOnlySpan{byte})"/>.</summary>
    public bool TrySend<T>(IMessageWriter<T> writer, T message)
    {
        if (!Outbound.TryWrite(writer, message, out _))
        {
            return false;
        }

        Interlocked.Increment(ref _messagesSent);
        return true;
    }

    /// <summary>
    /// Until the returned scope is disposed, sends made on this thread only queue their bytes: the connections'
    /// send loops are woken when the scope ends. Wrap a burst of sends to many connections (delivering a batch of
    /// messages to a room) in one scope, so each connection sends its share of the burst in one system call.
    /// Dispose the scope on the thread that took it, without awaiting in between. Connections whose listener uses
    /// <see cref="ListenerOptions.InlineScheduling"/> (and client connections) send inline as always.
    /// </summary>
    public static IDisposable DeferSends() => DeferredSendScheduler.Enter();

    private SendBuffer Outbound => _outbound ?? throw new ConnectionClosedException("not connected");

    private void ThrowIfFailFast(SendBuffer outbound, long queued)
    {
        if (_options.Backpressure == BackpressureMode.FailFast)
        {
            // The count that caused the refusal, not a fresh read: the send loop may have drained some since.
            throw new OutboundBufferFullException(queued, outbound.Limit);
        }
    }

    private async ValueTask SendSlowAsync<T>(SendBuffer outbound, IMessageWriter<T> writer, T message, CancellationToken cancellationToken)
    {
        while (!outbound.TryWrite(writer, message, out _))
        {
            await outbound.WaitForSpaceAsync(cancellationToken);
        }

        Interlocked.Increment(ref _messagesSent);
    }

    private async ValueTask SendSequenceSlowAsync(SendBuffer outbound, ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        while (!outbound.TryWrite(data, out _))
        {
            await outbound.WaitForSpaceAsync(cancellationToken);
        }

        Interlocked.Increment(ref _messagesSent);
    }
}
