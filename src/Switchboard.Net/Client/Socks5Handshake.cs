using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Net;

/// <summary>
/// The client side of a SOCKS5 CONNECT (RFC 1928) with optional user name and password (RFC 1929), run on a
/// connected stream before anything else (TLS included) speaks on it.
/// </summary>
internal static class Socks5Handshake
{
    private const byte Version = 5;
    private const byte NoAuthentication = 0;
    private const byte UserNamePassword = 2;
    private const byte NoAcceptableMethod = 0xFF;

    /// <summary>Asks the proxy for a tunnel to <paramref name="host"/>:<paramref name="port"/>; throws <see cref="ConnectException"/> if it will not open one.</summary>
    public static async Task RunAsync(Stream stream, ProxyOptions proxy, string host, int port, CancellationToken cancellationToken)
    {
        // Offer user name and password only when we have them; a proxy that needs them then answers "no acceptable method".
        byte[] greeting = proxy.UserName is null ? [Version, 1, NoAuthentication] : [Version, 2, NoAuthentication, UserNamePassword];
        await stream.WriteAsync(greeting, cancellationToken);
        var choice = await ReadAsync(stream, 2, proxy, cancellationToken);
        if (choice[0] != Version)
        {
            throw ProxyError.Refused(proxy, "its answer is not SOCKS5");
        }

        switch (choice[1])
        {
            case NoAuthentication:
                break;
            case UserNamePassword when proxy.UserName is not null:
                await AuthenticateAsync(stream, proxy, cancellationToken);
                break;
            case NoAcceptableMethod when proxy.UserName is null:
                throw ProxyError.Authentication(proxy, "the proxy requires a user name and password");
            default:
                throw ProxyError.Authentication(proxy, "the proxy accepts none of the offered authentication methods");
        }

        await stream.WriteAsync(ConnectRequest(host, port), cancellationToken);
        var reply = await ReadAsync(stream, 4, proxy, cancellationToken);
        if (reply[0] != Version)
        {
            throw ProxyError.Refused(proxy, "its answer is not SOCKS5");
        }

        if (reply[1] != 0)
        {
            throw Failure(reply[1], proxy, host, port);
        }

        // The bound address is of no use to a client, but it must be read off the stream before the tunnel's bytes.
        var rest = reply[3] switch
        {
            1 => 4 + 2,
            4 => 16 + 2,
            3 => (await ReadAsync(stream, 1, proxy, cancellationToken))[0] + 2,
            _ => throw ProxyError.Refused(proxy, $"its answer has an unknown address type {reply[3]}"),
        };
        await ReadAsync(stream, rest, proxy, cancellationToken);
    }

    private static async Task AuthenticateAsync(Stream stream, ProxyOptions proxy, CancellationToken cancellationToken)
    {
        var user = Encoding.UTF8.GetBytes(proxy.UserName!);
        var password = Encoding.UTF8.GetBytes(proxy.Password ?? "");
        var request = new byte[3 + user.Length + password.Length];
        request[0] = 1;
        request[1] = (byte)user.Length;
        user.CopyTo(request, 2);
        request[2 + user.Length] = (byte)password.Length;
        password.CopyTo(request, 3 + user.Length);
        await stream.WriteAsync(request, cancellationToken);
        var status = await ReadAsync(stream, 2, proxy, cancellationToken);
        if (status[1] != 0)
        {
            throw ProxyError.Authentication(proxy, $"the proxy rejected the user name or password for '{proxy.UserName}'");
        }
    }

    private static byte[] ConnectRequest(string host, int port)
    {
        byte[] address;
        byte type;
        if (IPAddress.TryParse(host, out var literal))
        {
            address = literal.GetAddressBytes();
            type = literal.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)4 : (byte)1;
        }
        else
        {
            // A name goes to the proxy as it is: the proxy resolves it (remote DNS).
            var name = Encoding.ASCII.GetBytes(host);
            if (name.Length > 255)
            {
                throw new ConnectException(ConnectError.HostNotFound, $"host name too long for SOCKS5: {host}");
            }

            address = [(byte)name.Length, .. name];
            type = 3;
        }

        var request = new byte[4 + address.Length + 2];
        request[0] = Version;
        request[1] = 1; // CONNECT
        request[3] = type;
        address.CopyTo(request, 4);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(4 + address.Length), (ushort)port);
        return request;
    }

    private static ConnectException Failure(byte code, ProxyOptions proxy, string host, int port)
    {
        var target = $"{host} port {port}";
        return code switch
        {
            // The proxy reached the target's host and was turned away: the same as a direct refusal.
            5 => new ConnectException(ConnectError.Refused, $"connection refused by {target} (reported by proxy {proxy})"),
            3 or 4 => new ConnectException(ConnectError.Unreachable, $"{target} is unreachable from proxy {proxy}"),
            6 => new ConnectException(ConnectError.TimedOut, $"connection to {target} timed out at proxy {proxy}"),
            2 => ProxyError.Refused(proxy, $"its rules do not allow a connection to {target}"),
            1 => ProxyError.Refused(proxy, $"general failure connecting to {target}"),
            7 => ProxyError.Refused(proxy, "it does not support CONNECT"),
            8 => ProxyError.Refused(proxy, $"it does not support the address type of {host}"),
            _ => ProxyError.Refused(proxy, $"reply code {code}"),
        };
    }

    private static async Task<byte[]> ReadAsync(Stream stream, int count, ProxyOptions proxy, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            throw ProxyError.Closed(proxy, ex);
        }
    }
}
