using Microsoft.AspNetCore.Connections;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

/// <summary>
/// The event-style face of a connection, for people who think in Qt signals: the same connection, read by one
/// loop that <see cref="StartReading(CancellationToken)"/> starts and that raises events instead of returning data. Async users
/// who read <see cref="Input"/> themselves never start it and pay nothing for it.
/// </summary>
public sealed partial class SwitchboardConnection
{
    private int _eventLoop;
    private long _dataEvents;

    /// <summary>
    /// Raised when the connection becomes <see cref="ConnectionState.Connected"/> (after the TLS handshake on
    /// TLS), on the thread that completed the connect. Accepted connections are connected before anyone can
    /// subscribe: this is for clients made with <see cref="CreateClient"/>.
    /// </summary>
    public event EventHandler? Connected;

    /// <summary>
    /// Raised once when a connection that was connected becomes <see cref="ConnectionState.Closed"/>, with the
    /// reason, on the thread that closed it (the read loop's, when the peer closed).
    /// </summary>
    public event EventHandler<DisconnectedEventArgs>? Disconnected;

    /// <summary>
    /// QIODevice::readyRead: raised by the loop of <see cref="StartReading(CancellationToken)"/> with every byte received and not
    /// yet consumed. One event at a time, in order, on a thread-pool thread; reading pauses while a handler runs,
    /// so a slow handler slows this peer down and nothing else. A handler that throws aborts the connection
    /// (its bytes can no longer be trusted to be in step) and is reported through <see cref="ErrorOccurred"/>.
    /// </summary>
    public event EventHandler<DataReceivedEventArgs>? DataReceived;

    /// <summary>
    /// Raised after bytes have been handed to the socket, on the thread that sent them (the sender's own for
    /// client connections, the send loop's otherwise). Handlers must not block: sending waits for them.
    /// </summary>
    public event EventHandler<BytesWrittenEventArgs>? BytesWritten;

    /// <summary>
    /// Raised with a typed error (QAbstractSocket::errorOccurred): a failed connect, a reset, a framing error, a
    /// failed send, a handler that threw. A connection closed by an error then raises <see cref="Disconnected"/>.
    /// Closing or aborting it yourself is not an error.
    /// </summary>
    public event EventHandler<ConnectionErrorEventArgs>? ErrorOccurred;

    /// <summary>Raised when the connection is under TLS and the handshake is complete (QSslSocket::encrypted), right after <see cref="Connected"/>.</summary>
    public event EventHandler? Encrypted;

    /// <summary>Whether the loop of <see cref="StartReading(CancellationToken)"/> runs.</summary>
    public bool IsReading => Volatile.Read(ref _eventLoop) == 1;

    /// <summary>
    /// Starts the loop that reads the input and raises <see cref="DataReceived"/>. It ends when the peer closes
    /// (the connection is then closed and disposed, and <see cref="Disconnected"/> is raised), on an error
    /// (reported through <see cref="ErrorOccurred"/>; the connection is aborted), or when
    /// <paramref name="cancellationToken"/> is cancelled (the connection stays open). The returned task
    /// completes then and never faults. Subscribe before calling this: the first event may come at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">A loop already runs, or the connection is not connected.</exception>
    public Task StartReading(CancellationToken cancellationToken = default)
        => StartLoop(ReadRawAsync, cancellationToken);

    /// <summary>
    /// Starts the loop that reads framed messages with <paramref name="reader"/> and passes each to
    /// <paramref name="messageReceived"/>, one at a time, in order, on a thread-pool thread. Otherwise as
    /// <see cref="StartReading(CancellationToken)"/>; a recoverable framing error (an oversized line) is reported and reading goes on.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="reader">The framing (a <see cref="LineReader"/>, a fortune codec, ...).</param>
    /// <param name="messageReceived">The handler; a message that refers to the input is valid only during the call.</param>
    /// <param name="cancellationToken">Stops the loop, leaving the connection open.</param>
    /// <exception cref="InvalidOperationException">A loop already runs, or the connection is not connected.</exception>
    public Task StartReading<T>(IMessageReader<T> reader, EventHandler<MessageReceivedEventArgs<T>> messageReceived, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(messageReceived);
        return StartLoop(token => ReadMessagesAsync(reader, messageReceived, token), cancellationToken);
    }

    private Task StartLoop(Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        _ = Input;
        if (Interlocked.CompareExchange(ref _eventLoop, 1, 0) != 0)
        {
            throw new InvalidOperationException("a read loop already runs on this connection");
        }

        ReleaseHeldRead(examinedAll: false);

        return Task.Run(() => RunLoopAsync(body, cancellationToken), CancellationToken.None);
    }

    private async Task RunLoopAsync(Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        try
        {
            await body(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller stopped reading; the connection is theirs to close.
            Volatile.Write(ref _eventLoop, 0);
            return;
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _eventLoop, 0);
            if (Classify(ex) is { } error)
            {
                RaiseError(error);
                Abort(error.Message);
            }

            await DisposeAsync();
            return;
        }

        Volatile.Write(ref _eventLoop, 0);
        await EndAfterPeerAsync();
    }

    private async Task ReadRawAsync(CancellationToken cancellationToken)
    {
        var input = Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.End;
            if (!buffer.IsEmpty && DataReceived is { } handler)
            {
                var args = new DataReceivedEventArgs(buffer);
                InvokeHandler(handler, args);
                consumed = buffer.GetPosition(args.ConsumedBytes);
            }

            input.AdvanceTo(consumed, buffer.End);
            if (!buffer.IsEmpty)
            {
                DataArrived();
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private async Task ReadMessagesAsync<T>(IMessageReader<T> messageReader, EventHandler<MessageReceivedEventArgs<T>> handler, CancellationToken cancellationToken)
    {
        var reader = CreateReader(messageReader);
        while (true)
        {
            ProtocolReadResult<T> result;
            try
            {
                result = await reader.ReadAsync(cancellationToken);
            }
            catch (FramingException ex) when (ex.IsRecoverable)
            {
                RaiseError(new ConnectionErrorEventArgs(ConnectionErrorKind.Framing, ex.Message, ex));
                continue;
            }

            if (result.IsCompleted)
            {
                return;
            }

            InvokeHandler(handler, new MessageReceivedEventArgs<T>(result.Message));
            DataArrived();
        }
    }

    /// <summary>The peer ended its side: flush what we still have for it, then close as Qt does on a remote close.</summary>
    private async Task EndAfterPeerAsync()
    {
        if (State == ConnectionState.Connected)
        {
            await CloseAsync("closed by peer");
        }

        await DisposeAsync();
    }

    private void InvokeHandler<TArgs>(EventHandler<TArgs> handler, TArgs args)
    {
        try
        {
            handler(this, args);
        }
        catch (Exception ex)
        {
            throw new HandlerException(ex);
        }
    }

    /// <summary>Turns what ended a read loop or a send into the error it reports; null for our own close.</summary>
    private ConnectionErrorEventArgs? Classify(Exception error) => error switch
    {
        HandlerException handler => new(ConnectionErrorKind.HandlerFailed, $"a handler failed: {handler.InnerException!.Message}", handler.InnerException),
        FramingException framing => new(ConnectionErrorKind.Framing, framing.Message, framing),
        ConnectionResetException reset => new(ConnectionErrorKind.Reset, "connection reset by peer", reset),
        // Aborted by us (Abort, idle timeout) or disposed: Disconnected carries the reason; it is no error.
        ConnectionAbortedException or ObjectDisposedException or ConnectionClosedException => null,
        _ when CloseReason is not null && State == ConnectionState.Closed => null,
        _ => new(ConnectionErrorKind.Network, error.Message, error),
    };

    private void RaiseError(ConnectionErrorEventArgs error) => Notify(ErrorOccurred, error);

    /// <summary>Raises an observer-only event: a faulty observer must not break the connection.</summary>
    private void Notify<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception)
        {
        }
    }

    private void Notify(EventHandler? handler)
    {
        try
        {
            handler?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception)
        {
        }
    }

    /// <summary>Called after every state change, from <see cref="SetState"/>.</summary>
    private void RaiseStateEvents(ConnectionState previous, ConnectionState next, string? reason)
    {
        if (next == ConnectionState.Connected)
        {
            Notify(Connected);
            if (TransportKind == TransportKind.Tls)
            {
                RaiseEncrypted();
            }
        }
        else if (next == ConnectionState.Closed && previous is ConnectionState.Connected or ConnectionState.Closing)
        {
            Notify(Disconnected, new DisconnectedEventArgs(reason ?? "closed"));
        }

        Pulse();
    }

    /// <summary>Raises <see cref="Encrypted"/>; also for a connection that turns to TLS later (STARTTLS).</summary>
    internal void RaiseEncrypted() => Notify(Encrypted);

    /// <summary>Called by the send path after bytes left for the socket.</summary>
    internal void OnBytesWritten(long count)
    {
        if (BytesWritten is { } handler)
        {
            Notify(handler, new BytesWrittenEventArgs(count, QueuedBytes));
        }

        Pulse();
    }

    /// <summary>Called by a failing send, before the connection is marked closed.</summary>
    private void OnSendFailed(Exception error)
    {
        if (Classify(error) is { } classified)
        {
            RaiseError(new ConnectionErrorEventArgs(classified.Kind == ConnectionErrorKind.Network ? ConnectionErrorKind.SendFailed : classified.Kind, $"send failed: {error.Message}", error));
        }
    }

    private void DataArrived()
    {
        Interlocked.Increment(ref _dataEvents);
        Pulse();
    }

    /// <summary>An exception thrown by application code in a handler, told apart from the transport's own.</summary>
    private sealed class HandlerException(Exception inner) : Exception(inner.Message, inner);
}
