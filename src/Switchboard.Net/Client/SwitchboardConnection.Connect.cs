using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    /// <summary>
    /// Connects over TCP (and TLS when <see cref="ClientOptions.Tls"/> is set) to a host name or an IPv4/IPv6
    /// address. Every address of the host is tried in turn within <see cref="ClientOptions.ConnectTimeout"/>.
    /// With <see cref="ClientOptions.Proxy"/> set, the connection goes through the proxy's tunnel instead.
    /// </summary>
    /// <param name="host">A host name or address.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <param name="options">Timeout, TLS and connection options; defaults when null.</param>
    /// <param name="stateChanged">Observes the state changes of the attempt itself (host lookup, connecting).</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <exception cref="ConnectException">The connection could not be made; <see cref="ConnectException.Error"/> says why.</exception>
    public static async Task<SwitchboardConnection> ConnectTcpAsync(string host, int port, ClientOptions? options = null, EventHandler<ConnectionStateChangedEventArgs>? stateChanged = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var connection = Create(options ?? new ClientOptions(), ConnectionState.Unconnected);
        connection.StateChanged += stateChanged;
        await connection.ConnectTcpCoreAsync(host, port, cancellationToken);
        return connection;
    }

    /// <summary>The TCP connect of this unconnected client connection; <see cref="ConnectTcpAsync(string, int, ClientOptions?, EventHandler{ConnectionStateChangedEventArgs}?, CancellationToken)"/> and <see cref="ConnectToHostAsync"/> share it.</summary>
    private async Task ConnectTcpCoreAsync(string host, int port, CancellationToken cancellationToken)
    {
        var connection = this;
        var options = ClientOptionsOrThrow();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        Socket? socket = null;
        try
        {
            connection.SetState(ConnectionState.HostLookup, null);
            // Behind a proxy only the proxy's name is looked up here: the proxy resolves the target's (remote DNS).
            var addresses = options.Proxy is { } proxy ? await ResolveProxyAsync(proxy, timeout.Token) : await ResolveAsync(host, timeout.Token);
            connection.SetState(ConnectionState.Connecting, null);
            socket = options.Proxy is null ? await ConnectAnyAsync(addresses, port, timeout.Token) : await ConnectThroughProxyAsync(addresses, options.Proxy, host, port, timeout.Token);
            socket.NoDelay = true;
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            var kind = TransportKind.Tcp;
            if (options.Tls is { } tls)
            {
                stream = await ClientTlsHandshake.AuthenticateAsync(stream, host, tls, timeout.Token);
                kind = TransportKind.Tls;
            }

            connection.Attach(new SocketTransport(socket, stream), kind, inlineSends: true);
            connection._serverName = host;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket?.Dispose();
            connection.MarkClosed("connect timed out");
            throw new ConnectException(ConnectError.TimedOut, $"connection to {host} port {port} timed out after {options.ConnectTimeout.TotalSeconds:0.###} s");
        }
        catch
        {
            socket?.Dispose();
            connection.MarkClosed("connect failed");
            throw;
        }
    }

    /// <summary>Connects to a Unix domain socket (the local-socket IPC of QLocalSocket).</summary>
    /// <exception cref="ConnectException">Nothing listens on the path, or it does not exist.</exception>
    public static async Task<SwitchboardConnection> ConnectUnixAsync(string path, ClientOptions? options = null, EventHandler<ConnectionStateChangedEventArgs>? stateChanged = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var connection = Create(options ?? new ClientOptions(), ConnectionState.Unconnected);
        connection.StateChanged += stateChanged;
        await connection.ConnectUnixCoreAsync(path, cancellationToken);
        return connection;
    }

    /// <summary>The Unix-socket connect of this unconnected client connection.</summary>
    private async Task ConnectUnixCoreAsync(string path, CancellationToken cancellationToken)
    {
        var connection = this;
        var options = ClientOptionsOrThrow();
        connection.SetState(ConnectionState.Connecting, null);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
            connection.Attach(new SocketTransport(socket, new NetworkStream(socket, ownsSocket: false)), TransportKind.Unix, inlineSends: true);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            connection.MarkClosed("connect failed");
            throw ex switch
            {
                SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported } or SocketException { NativeErrorCode: 2 }
                    => new ConnectException(ConnectError.PathNotFound, $"no socket at {path}", ex),
                SocketException { SocketErrorCode: SocketError.ConnectionRefused }
                    => new ConnectException(ConnectError.Refused, $"connection refused: nothing listens on {path}", ex),
                OperationCanceledException when !cancellationToken.IsCancellationRequested
                    => new ConnectException(ConnectError.TimedOut, $"connection to {path} timed out after {options.ConnectTimeout.TotalSeconds:0.###} s", ex),
                SocketException se => ConnectFailure.From(se, path),
                _ => ex,
            };
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [literal];
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            if (addresses.Length == 0)
            {
                throw new ConnectException(ConnectError.HostNotFound, $"host not found: {host}");
            }

            return addresses;
        }
        catch (SocketException ex)
        {
            throw new ConnectException(ConnectError.HostNotFound, $"host not found: {host}", ex);
        }
    }

    private static async Task<Socket> ConnectAnyAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var where = addresses.Length == 1 ? $"{new IPEndPoint(addresses[0], port)}" : $"port {port} on {addresses.Length} addresses";
        throw last is null ? new ConnectException(ConnectError.Other, $"cannot connect to {where}") : ConnectFailure.From(last, where);
    }
}
