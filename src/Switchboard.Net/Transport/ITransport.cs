using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>
/// What a connection needs from whatever moves its bytes: Kestrel's transport on the server side, a socket and
/// stream on the client side. Nothing above this touches a socket, except to tune options.
/// </summary>
internal interface ITransport : IAsyncDisposable
{
    IDuplexPipe Pipe { get; }

    Socket? Socket { get; }

    EndPoint? LocalEndPoint { get; }

    EndPoint? RemoteEndPoint { get; }

    /// <summary>Called after the output pipe has been completed and flushed: send the FIN (and TLS close_notify).</summary>
    ValueTask ShutdownSendAsync();

    /// <summary>Tears the transport down at once.</summary>
    void Abort(string reason);
}
