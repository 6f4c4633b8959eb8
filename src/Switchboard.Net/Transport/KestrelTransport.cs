using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Switchboard.Net;

/// <summary>The server side: a connection accepted by Kestrel (TLS, when on, is already Kestrel middleware).</summary>
internal sealed class KestrelTransport : ITransport
{
    private readonly ConnectionContext _context;

    public KestrelTransport(ConnectionContext context)
    {
        _context = context;
        Socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
    }

    public IDuplexPipe Pipe => _context.Transport;

    public Socket? Socket { get; }

    public EndPoint? LocalEndPoint => _context.LocalEndPoint;

    public EndPoint? RemoteEndPoint => _context.RemoteEndPoint;

    // Kestrel sends the FIN when the output pipe completes and the connection delegate returns.
    public ValueTask ShutdownSendAsync() => ValueTask.CompletedTask;

    public void Abort(string reason)
    {
        if (Socket is not null)
        {
            try
            {
                Socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }

        _context.Abort(new ConnectionAbortedException(reason));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
