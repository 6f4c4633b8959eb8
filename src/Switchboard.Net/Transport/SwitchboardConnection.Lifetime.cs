using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    /// <summary>Creates a reader of framed messages over <see cref="Input"/> that counts into <see cref="MessagesReceived"/>.</summary>
    public ProtocolReader<T> CreateReader<T>(IMessageReader<T> reader) => new(Input, reader, CountMessageReceived);

    /// <summary>
    /// Reads UTF-8 lines (LF or CRLF) until the peer ends the stream. Invalid UTF-8 and oversized lines throw
    /// <see cref="FramingException"/>.
    /// </summary>
    public async IAsyncEnumerable<string> ReadLinesAsync(int maxLineLength = LineReader.DefaultMaxLineLength, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = CreateReader(new LineReader(maxLineLength));
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                yield break;
            }

            yield return Encoding.UTF8.GetString(result.Message);
        }
    }

    /// <summary>
    /// Closes gracefully: no more sends are accepted, queued output is flushed, then the write side is shut down
    /// (FIN, and TLS close_notify). If the flush takes longer than <see cref="ConnectionOptions.CloseTimeout"/>
    /// the connection is aborted. Reading may continue until the peer closes its side.
    /// </summary>
    public async Task CloseAsync(string? reason = null, CancellationToken cancellationToken = default)
    {
        if (_outbound is null)
        {
            MarkClosed(reason ?? "closed before connecting");
            return;
        }

        Interlocked.CompareExchange(ref _closeReason, reason ?? "closed locally", null);
        SetState(ConnectionState.Closing, reason);
        _outbound.Complete(CloseReason);
        try
        {
            await _outbound.Drained.WaitAsync(_options.CloseTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            NetMetrics.Dropped(this, "close_timeout");
            Abort($"close timed out after {_options.CloseTimeout.TotalSeconds:0.###} s with {QueuedBytes} bytes unsent");
        }
    }

    /// <summary>Aborts at once: queued output is dropped and the peer sees a reset (RST).</summary>
    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _transport?.Abort(reason);
        MarkClosed(reason);
    }

    /// <summary>Closes gracefully if still open, then releases the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (State is ConnectionState.Connected or ConnectionState.Closing)
        {
            await CloseAsync();
        }

        if (_input is not null)
        {
            await _input.CompleteAsync();
        }

        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        MarkClosed(_input?.PeerCompleted == true ? "closed by peer" : "closed");
    }
}
