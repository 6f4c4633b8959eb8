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
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
    }

    public IDuplexPipe Pipe => this;

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public Socket Socket { get; }

    public EndPoint? LocalEndPoint { get; }

    public EndPoint? RemoteEndPoint { get; }

    public async ValueTask ShutdownSendAsync()
    {
        try
        {
            if (_stream is SslStream ssl)
            {
                await ssl.ShutdownAsync();
            }

            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or InvalidOperationException)
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
