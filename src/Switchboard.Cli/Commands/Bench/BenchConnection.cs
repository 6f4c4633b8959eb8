using System.Net.Security;
using System.Net.Sockets;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>
/// The load generator's side of one connection. Plain TCP and Unix sockets use the socket directly (its
/// Memory-based async calls reuse one pooled event-args object per direction, so the loop does not allocate);
/// TLS goes through <see cref="SslStream"/>. The server measured is the thing under test, not this.
/// </summary>
internal sealed class BenchConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SslStream? _tls;

    private BenchConnection(Socket socket, SslStream? tls)
    {
        _socket = socket;
        _tls = tls;
    }

    /// <param name="target">The server.</param>
    /// <param name="tls">Whether to speak TLS.</param>
    /// <param name="blocking">
    /// Connect synchronously and keep the socket in blocking mode. On Unix, .NET switches a socket to non-blocking
    /// mode for good at its first async operation, after which even "blocking" calls wait on the runtime's epoll
    /// thread; a socket that never went async blocks in the kernel itself, as a C client's does.
    /// </param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    public static async Task<BenchConnection> ConnectAsync(BenchTarget target, bool tls, CancellationToken cancellationToken, bool blocking = false)
    {
        var socket = target.IsUnix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (blocking && !tls)
            {
                // Loopback connects take microseconds; the run's timeout still bounds a refused or stuck one.
                socket.Connect(target.EndPoint);
                return new BenchConnection(socket, null);
            }

            await socket.ConnectAsync(target.EndPoint, cancellationToken);
            if (!tls)
            {
                return new BenchConnection(socket, null);
            }

            var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                // The bench only ever talks to a loopback server under test, usually with a self-signed certificate.
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            }, cancellationToken);
            return new BenchConnection(socket, ssl);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => _tls is null ? _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) : _tls.ReadAsync(buffer, cancellationToken);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_tls is not null)
        {
            await _tls.WriteAsync(data, cancellationToken);
            return;
        }

        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    /// <summary>
    /// Sends all of <paramref name="data"/>, blocking. Plain sockets only: a thread blocked in recv(2) wakes
    /// straight from the kernel, where an async receive waits for the runtime's epoll thread to hand it to the
    /// thread pool, and on loopback that hand-off is a large share of a round trip.
    /// </summary>
    public void Send(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[_socket.Send(data, SocketFlags.None)..];
        }
    }

    /// <summary>Receives exactly <paramref name="buffer"/>.Length bytes, blocking; false if the peer closed first.</summary>
    public bool ReceiveExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var read = _socket.Receive(buffer, SocketFlags.None);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }

    /// <summary>Makes blocking receives give up after <paramref name="timeout"/>, so a silent server cannot hang a run.</summary>
    public void SetReceiveTimeout(TimeSpan timeout) => _socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;

    /// <summary>Receives exactly <paramref name="buffer"/>.Length bytes; false if the peer closed first.</summary>
    public async ValueTask<bool> ReceiveExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var read = await ReceiveAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_tls is not null)
        {
            await _tls.DisposeAsync();
        }

        _socket.Dispose();
    }
}
