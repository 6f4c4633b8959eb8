using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    // The send loop hands the transport at most this much before flushing, so a large backlog moves in slices.
    private const int SendSliceSize = 64 * 1024;

    /// <summary>
    /// Queues bytes for sending. When the outbound buffer is full this waits for the peer
    /// (<see cref="BackpressureMode.Wait"/>) or throws <see cref="OutboundBufferFullException"/>
    /// (<see cref="BackpressureMode.FailFast"/>).
    /// </summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        => SendAsync(RawWriter.Instance, data, cancellationToken);

    /// <summary>Queues one framed message for sending; see <see cref="SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    public ValueTask SendAsync<T>(IMessageWriter<T> writer, T message, CancellationToken cancellationToken = default)
    {
        var outbound = Outbound;
        if (outbound.TryWrite(writer, message, out var queued))
        {
            Interlocked.Increment(ref _messagesSent);
            return ValueTask.CompletedTask;
        }

        if (_options.Backpressure == BackpressureMode.FailFast)
        {
            // The count that caused the refusal, not a fresh read: the send loop may have drained some since.
            throw new OutboundBufferFullException(queued, outbound.Limit);
        }

        return SendSlowAsync(outbound, writer, message, cancellationToken);
    }

    /// <summary>
    /// Queues bytes without ever waiting. Returns false when the outbound buffer is full (the peer is not reading);
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
        if (!Outbound.TryWrite(writer, message))
        {
            return false;
        }

        Interlocked.Increment(ref _messagesSent);
        return true;
    }

    private OutboundBuffer Outbound => _outbound ?? throw new ConnectionClosedException("not connected");

    private async ValueTask SendSlowAsync<T>(OutboundBuffer outbound, IMessageWriter<T> writer, T message, CancellationToken cancellationToken)
    {
        while (!outbound.TryWrite(writer, message))
        {
            await outbound.WaitForSpaceAsync(cancellationToken);
        }

        Interlocked.Increment(ref _messagesSent);
    }

    private async Task SendLoopAsync(OutboundBuffer outbound, ITransport transport)
    {
        // Yield first so Attach returns before the loop runs.
        await Task.Yield();
        var reader = outbound.Reader;
        var output = transport.Pipe.Output;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                var peerGone = false;
                while (!buffer.IsEmpty)
                {
                    var slice = buffer.Length > SendSliceSize ? buffer.Slice(0, SendSliceSize) : buffer;
                    foreach (var segment in slice)
                    {
                        output.Write(segment.Span);
                    }

                    var flush = await output.FlushAsync();
                    Interlocked.Add(ref _bytesSent, slice.Length);
                    outbound.Release(slice.Length);
                    buffer = buffer.Slice(slice.End);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        peerGone = true;
                        break;
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || peerGone)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            await reader.CompleteAsync();
            await output.CompleteAsync(error is null ? null : new ConnectionClosedException(error.Message));
            if (error is null)
            {
                await transport.ShutdownSendAsync();
            }
        }

        if (error is not null)
        {
            MarkClosed($"send failed: {error.Message}");
        }
    }
}
