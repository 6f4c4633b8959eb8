using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>The client side: a connected socket, optionally under TLS, seen as a pipe pair.</summary>
internal sealed class SocketTransport : ITransport, IDuplexPipe
{
    private readonly Stream _stream;
    private int _disposed;

    public SocketTransport(Socket socket, Stream stream)
    {
        Socket = socket;
        _stream = stream;
        // A peer that resets right after the handshake makes getpeername fail (ENOTCONN): that is a closed
        // connection to report later, not a reason to fail the connect.
        LocalEndPoint = TryGetEndPoint(() => socket.LocalEndPoint);
        RemoteEndPoint = TryGetEndPoint(() => socket.RemoteEndPoint);
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
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

    public IDuplexPipe Pipe => this;

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public Socket Socket { get; }

    public EndPoint? LocalEndPoint { get; }

    public EndPoint? RemoteEndPoint { get; }

    public async ValueTask ShutdownSendAsync()
    {
        if (_stream is SslStream ssl)
        {
            try
            {
                await ssl.ShutdownAsync();
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

    public void Abort(string reason)
    {
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
        await Output.CompleteAsync();
        await _stream.DisposeAsync();
        Socket.Dispose();
    }
}
