using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Switchboard.Net;

// From an accepted socket to a running handler: TLS handshake (bounded in time and in number), the connection
// limit, then the handler, and the connection's end.
public sealed partial class SwitchboardListener
{
    private void OnAccepted(Socket socket)
    {
        switch (DescriptorBudget.TryTake())
        {
            case DescriptorBudget.Outcome.RefusedFirst:
                Log.DescriptorsExhausted(_logger, DescriptorBudget.InUse, DescriptorBudget.Limit);
                Refuse(socket);
                return;
            case DescriptorBudget.Outcome.Refused:
                Refuse(socket);
                return;
            case DescriptorBudget.Outcome.TakenAgain:
                Log.DescriptorsAvailable(_logger);
                break;
        }

        // Off the accept loop: a TLS handshake or a handler's synchronous start must not hold up the next accept.
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Listener.RunConnectionAsync(state.Socket), (Listener: this, Socket: socket), preferLocal: false);
    }

    private async Task RunConnectionAsync(Socket socket)
    {
        try
        {
            await ServeAsync(socket);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            // A peer gone before it was served (setting an option on a reset socket fails), or a connection that
            // arrived as the listener was disposed: nothing to serve, only the socket to release.
            socket.Dispose();
        }
        finally
        {
            // Every way out of ServeAsync has closed the socket.
            DescriptorBudget.Release();
        }
    }

    /// <summary>Out of descriptors to spare: the newcomer is told (in plain text only) and closed at once.</summary>
    private void Refuse(Socket socket)
    {
        try
        {
            if (_certificate is null && !_options.RejectMessage.IsEmpty)
            {
                // A fresh socket's send buffer is empty: this few-byte send does not wait.
                socket.Send(_options.RejectMessage.Span, SocketFlags.None);
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>At start: warns (once per process) when the descriptor limit allows fewer connections than asked for.</summary>
    private void CheckDescriptorBudget()
    {
        var capacity = DescriptorBudget.EnsureComputed();
        if (capacity < _options.MaxConnections && DescriptorBudget.ClaimStartWarning())
        {
            Log.DescriptorLimitLow(_logger, DescriptorBudget.Limit, capacity, _options.MaxConnections);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (_options.TransportKind != TransportKind.Unix)
        {
            socket.NoDelay = true;
        }

        if (_certificate is not null && !_options.StartTls)
        {
            var secured = await HandshakeAsync(socket, stream);
            if (secured is null)
            {
                return;
            }

            stream = secured;
        }

        var connection = SwitchboardConnection.Create(_options.Connection, ConnectionState.Unconnected);
        connection.Attach(new SocketTransport(socket, stream), _options.TransportKind, _options.InlineScheduling);
        if (_options.StartTls && _certificate is not null)
        {
            connection.ServerHandshake = UpgradeAsync;
        }

        string? why = null;
        var full = false;
        var tags = _metricTags;
        lock (_gate)
        {
            if (_closing)
            {
                why = "server shutting down";
            }
            else if (!Connections.TryAdd(connection, _options.MaxConnections))
            {
                why = $"connection limit of {_options.MaxConnections} reached";
                full = true;
            }
            else
            {
                _active++;
            }
        }

        if (why is not null)
        {
            NetMetrics.Refused(tags, full ? "limit" : "shutdown");
            await RejectAsync(connection, why, full);
            return;
        }

        NetMetrics.Accepted(connection, tags);
        try
        {
            await _handler(connection, _shutdownCts.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HandlerFailed(_logger, connection.ToString(), ex);
            connection.Abort($"handler failed: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Connections.Remove(connection);
            await connection.DisposeAsync();
            NetMetrics.Ended(connection);
            lock (_gate)
            {
                if (--_active == 0 && _shutdownCts.IsCancellationRequested)
                {
                    _drained.TrySetResult();
                }
            }
        }
    }

    /// <summary>The TLS handshake, within the deadline and the cap on handshakes in progress; null when it failed.</summary>
    private async Task<SslStream?> HandshakeAsync(Socket socket, Stream stream)
    {
        var peer = DescribePeer(socket);
        if (!TryTakeHandshakeSlot(peer))
        {
            NetMetrics.Refused(_metricTags, "handshake_limit");
            socket.Dispose();
            return null;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_shutdownCts.Token);
        deadline.CancelAfter(_options.HandshakeTimeout);
        try
        {
            // Read once per handshake: a certificate replaced meanwhile applies from the next one.
            return await ServerTlsHandshake.AuthenticateAsync(stream, Volatile.Read(ref _certificate)!, _options, deadline.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            var reason = ex is OperationCanceledException
                ? $"no handshake within {_options.HandshakeTimeout.TotalSeconds:0.###} s"
                : ex.Message;
            LogHandshakeFailure(peer, ex, reason);
            NetMetrics.Refused(_metricTags, "handshake_failed");
            socket.Dispose();
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }
    }

    /// <summary>
    /// The server side of a STARTTLS upgrade: the same certificate, policy, deadline and cap on handshakes in
    /// progress as a handshake on accept, so peers that send STARTTLS and then stall cannot pile up either.
    /// A failure is logged here and thrown to the handler, which decides what becomes of the connection.
    /// </summary>
    private async Task<SslStream> UpgradeAsync(Stream stream, string peer, CancellationToken cancellationToken)
    {
        if (!TryTakeHandshakeSlot(peer))
        {
            throw new AuthenticationException($"too many TLS handshakes in progress (the limit is {_options.MaxPendingHandshakes})");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_shutdownCts.Token, cancellationToken);
        deadline.CancelAfter(_options.HandshakeTimeout);
        try
        {
            return await ServerTlsHandshake.AuthenticateAsync(stream, Volatile.Read(ref _certificate)!, _options, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = $"no handshake within {_options.HandshakeTimeout.TotalSeconds:0.###} s";
            Log.HandshakeFailed(_logger, peer, reason);
            throw new AuthenticationException(reason, ex);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            LogHandshakeFailure(peer, ex, ex.Message);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }
    }

    /// <summary>
    /// Takes one of <see cref="ListenerOptions.MaxPendingHandshakes"/>, for a handshake on accept or after STARTTLS
    /// alike; false (logged) when all are taken. The caller gives it back when its handshake ends. (Only a refusal
    /// on accept is a refused connection in the metrics: one after STARTTLS was accepted already.)
    /// </summary>
    private bool TryTakeHandshakeSlot(string peer)
    {
        if (Interlocked.Increment(ref _pendingHandshakes) <= _options.MaxPendingHandshakes)
        {
            return true;
        }

        Interlocked.Decrement(ref _pendingHandshakes);
        if (_handshakeRefusedLog.ShouldLog(out var suppressed))
        {
            Log.HandshakeRefused(_logger, peer + LogRateLimiter.Note(suppressed), _options.MaxPendingHandshakes);
        }

        return false;
    }

    // A refused client certificate is an operator's business (a user locked out, an expired certificate); other
    // handshake failures are mostly scanners and stay at debug level.
    private void LogHandshakeFailure(string peer, Exception error, string reason)
    {
        if (error is ClientCertificateRefusedException)
        {
            Log.ClientCertificateRefused(_logger, peer, reason);
        }
        else
        {
            Log.HandshakeFailed(_logger, peer, reason);
        }
    }

    private static string DescribePeer(Socket socket)
    {
        try
        {
            return SwitchboardConnection.DescribeEndPoint(socket.RemoteEndPoint);
        }
        catch (SocketException)
        {
            return "?";
        }
    }

    private async Task RejectAsync(SwitchboardConnection connection, string why, bool explainFull)
    {
        if (_rejectedLog.ShouldLog(out var suppressed))
        {
            Log.Rejected(_logger, connection.ToString(), why + LogRateLimiter.Note(suppressed));
        }

        // The reject message explains a full server; a shutting-down one just closes.
        if (explainFull && !_options.RejectMessage.IsEmpty)
        {
            connection.TrySend(_options.RejectMessage.Span);
        }

        await connection.CloseAsync(why);
        await connection.DisposeAsync();
    }

    /// <summary>One bound, listening socket and the loop accepting on it.</summary>
    private sealed class Binding
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public Binding(Socket socket, EndPoint endPoint)
        {
            _socket = socket;
            EndPoint = endPoint;
        }

        public EndPoint EndPoint { get; }

        public static Binding Of(Socket socket) => new(socket, socket.LocalEndPoint!);

        public void Start(SwitchboardListener listener)
        {
            var loop = new AcceptLoop(_socket.AcceptAsync, listener.OnAccepted, listener._logger, SwitchboardConnection.DescribeEndPoint(EndPoint));
            _loop = Task.Run(() => loop.RunAsync(_stop.Token));
        }

        /// <summary>Closes the listening socket (the address is free when this returns) and ends the loop.</summary>
        public async Task UnbindAsync()
        {
            _stop.Cancel();
            _socket.Dispose();
            await _loop;
            if (EndPoint is UnixDomainSocketEndPoint unix)
            {
                UnixSocketFile.Remove(unix.ToString());
            }

            _stop.Dispose();
        }
    }
}
