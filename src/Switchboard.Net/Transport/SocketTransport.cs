using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Switchboard.Net;

/// <summary>
/// The one transport, on both sides: a connected socket (accepted by a listener or connected by a client),
/// optionally under TLS. Input is read on demand through a pipe reader over the stream; output is what a
/// <see cref="SendBuffer"/> drains into it. Nothing above this touches the socket, except to tune options.
/// </summary>
internal sealed class SocketTransport : ISendTarget, IAsyncDisposable
{
    // Reads wait for data with a zero-byte read before renting a buffer, so an idle connection holds none.
    private const int ReadBufferSize = 64 * 1024;

    private Stream _stream;
    private SslStream? _tls;
    private TaskCompletionSource? _sendGate;
    private List<ArraySegment<byte>>? _gather;
    // Created on the first send; it forgets each buffer once sent (see SendOperation), unlike the socket's own.
    private SendOperation? _send;
    private string? _abortReason;
    private int _disposed;
    private bool _sendShutDown;

    public SocketTransport(Socket socket, Stream stream)
    {
        Socket = socket;
        _stream = stream;
        _tls = stream as SslStream;
        // A peer that resets right after the handshake makes getpeername fail (ENOTCONN): that is a closed
        // connection to report later, not a reason to fail the connect.
        LocalEndPoint = TryGetEndPoint(() => socket.LocalEndPoint);
        RemoteEndPoint = TryGetEndPoint(() => socket.RemoteEndPoint);
        Input = CreateInput(_tls is null ? new ReadAheadStream(stream) : stream);
    }

    public PipeReader Input { get; private set; }

    /// <summary>The TLS session, once there is one (from the start, or after <see cref="UpgradeAsync"/>).</summary>
    public SslStream? Tls => Volatile.Read(ref _tls);

    public Socket Socket { get; }

    public EndPoint? LocalEndPoint { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Called when the drain loop of the send buffer fails.</summary>
    public Action<Exception>? Failed { get; set; }

    /// <summary>
    /// Turns what the stream throws into what a connection reports (as Kestrel did): a reset is a
    /// <see cref="ConnectionResetException"/>, anything after our own abort a <see cref="ConnectionAbortedException"/>.
    /// </summary>
    public Exception Translate(Exception error)
    {
        if (Volatile.Read(ref _abortReason) is { } reason && error is IOException or ObjectDisposedException or SocketException)
        {
            return new ConnectionAbortedException(reason, error);
        }

        if (Tls is { } tls && error is not TlsAlertException && TlsAlerts.Received(error) is { } alert)
        {
            // With TLS 1.3 a server turns down a client certificate after the client's handshake has completed: the
            // client learns it here, on its first read.
            return !tls.IsServer && TlsAlerts.RejectsCertificate(alert)
                ? new ClientCertificateRejectedException(TlsAlerts.DescribeRejection(alert, tls.LocalCertificate is not null), alert, error)
                : new TlsAlertException(alert, $"the peer ended the TLS session with alert {TlsAlerts.Name(alert)}", error);
        }

        return error switch
        {
            IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } se }
                => new ConnectionResetException(se.Message, error),
            SocketException { SocketErrorCode: SocketError.ConnectionReset } se => new ConnectionResetException(se.Message, se),
            _ => error,
        };
    }

    /// <summary>
    /// For a connection that ended (cleanly, or with <paramref name="cause"/>) before any byte arrived: a
    /// rejected client certificate, when that is what it must have been. A TLS 1.3 server that turns down the
    /// client's certificate after the client's handshake completed, and sends no alert, just closes; a close
    /// before any byte, right after a handshake in which it asked for a certificate, is read as that.
    /// </summary>
    public Exception? EndedBeforeData(Exception? cause)
    {
        // A server that closes because we closed first (our close_notify and FIN) is answering us, not rejecting us.
        if (cause is TlsAlertException or ClientCertificateRejectedException or ConnectionAbortedException || Volatile.Read(ref _sendShutDown)
            || Tls is not ClientSslStream tls || !(tls.CertificateRequested || tls.PresentedCertificate) || tls.SslProtocol != System.Security.Authentication.SslProtocols.Tls13)
        {
            return null;
        }

        return new ClientCertificateRejectedException(TlsAlerts.DescribeRejection(null, tls.PresentedCertificate), null, cause);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlySequence<byte> data)
    {
        if (Volatile.Read(ref _sendGate) is { } gate)
        {
            // A TLS upgrade is under way: what was queued after it began leaves encrypted, once it is done.
            await gate.Task;
        }

        if (_tls is not null)
        {
            foreach (var segment in data)
            {
                await _tls.WriteAsync(segment);
            }

            return;
        }

        if (data.IsSingleSegment)
        {
            await SendAllAsync(data.First);
            return;
        }

        // Several pipe segments leave in one system call (a gather write), not one call each.
        var gather = _gather ??= [];
        foreach (var segment in data)
        {
            if (!MemoryMarshal.TryGetArray(segment, out var array))
            {
                gather.Clear();
                await SendEachAsync(data);
                return;
            }

            gather.Add(array);
        }

        int sent;
        try
        {
            sent = await (_send ??= new SendOperation()).SendAsync(Socket, gather);
        }
        finally
        {
            gather.Clear();
        }

        if (sent < data.Length)
        {
            await SendEachAsync(data.Slice(sent));
        }
    }

    private async ValueTask SendEachAsync(ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            await SendAllAsync(segment);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = await (_send ??= new SendOperation()).SendAsync(Socket, data);
            data = data[sent..];
        }
    }

    /// <summary>
    /// Puts TLS under a connection that was plain so far (STARTTLS). The caller has made sure everything queued
    /// before has been sent and nothing is being read; <paramref name="early"/> holds what was received past the
    /// STARTTLS line, which the handshake reads first. Sends that come meanwhile wait and go out encrypted.
    /// </summary>
    public async Task UpgradeAsync(byte[] early, Func<Stream, CancellationToken, Task<SslStream>> handshake, CancellationToken cancellationToken)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _sendGate, gate);
        try
        {
            // The old reader leaves the stream open (and has handed over what it held): TLS reads it from here on.
            await Input.CompleteAsync();
            var ssl = await handshake(early.Length == 0 ? _stream : new PrefixedStream(early, _stream), cancellationToken);
            _stream = ssl;
            Input = CreateInput(ssl);
            Volatile.Write(ref _tls, ssl);
        }
        finally
        {
            Volatile.Write(ref _sendGate, null);
            gate.TrySetResult();
        }
    }

    private static PipeReader CreateInput(Stream stream)
        => PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: 4096, leaveOpen: true, useZeroByteReads: true));

    public async ValueTask ShutdownSendAsync()
    {
        Volatile.Write(ref _sendShutDown, true);
        if (_tls is not null)
        {
            try
            {
                await _tls.ShutdownAsync();
            }
            catch (Exception)
            {
                // close_notify is a courtesy: when the peer has already closed, OpenSSL reports it as its own
                // SslException (SSL_ERROR_SYSCALL), not an IOException. The FIN below still ends our side.
            }
        }

        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer is already gone: there is nobody to send a FIN to.
        }
    }

    public void SendFailed(Exception error) => Failed?.Invoke(Translate(error));

    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        try
        {
            // Linger 0 makes the close abortive: the peer sees RST, not FIN.
            Socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Input.CompleteAsync();
        try
        {
            await _stream.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Disposing a TLS stream whose peer vanished may try to write; the socket goes below either way.
        }

        // _send is not disposed: a send still in flight (the drain loop races disposal) completes on it later. It
        // holds nothing once a send is done, and the collector frees it with the transport.
        Socket.Dispose();
    }

    private static EndPoint? TryGetEndPoint(Func<EndPoint?> read)
    {
        try
        {
            return read();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
