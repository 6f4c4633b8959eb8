using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Net;

/// <summary>
/// The client side of an HTTP CONNECT tunnel (RFC 9110 section 9.3.6) with Basic proxy authentication, run on a
/// connected stream before anything else (TLS included) speaks on it.
/// </summary>
internal static class HttpConnectHandshake
{
    /// <summary>A proxy's answer header larger than this is not an answer to CONNECT.</summary>
    private const int MaxHeaderBytes = 16 * 1024;

    /// <summary>Asks the proxy for a tunnel to <paramref name="host"/>:<paramref name="port"/>; throws <see cref="ConnectException"/> if it will not open one.</summary>
    public static async Task RunAsync(Stream stream, ProxyOptions proxy, string host, int port, CancellationToken cancellationToken)
    {
        var authority = IPAddress.TryParse(host, out var literal) && literal.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{host}]:{port}"
            : $"{host}:{port}";
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"CONNECT {authority} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {authority}\r\n");
        if (proxy.UserName is not null)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{proxy.UserName}:{proxy.Password}"));
            request.Append(CultureInfo.InvariantCulture, $"Proxy-Authorization: Basic {credentials}\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken);

        var header = await ReadHeaderAsync(stream, proxy, cancellationToken);
        var statusLine = header[..Math.Max(0, header.IndexOf("\r\n", StringComparison.Ordinal))];
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw ProxyError.Refused(proxy, "its answer is not HTTP");
        }

        var reason = parts.Length > 2 ? $"{status} {parts[2]}" : $"{status}";
        if (status is >= 200 and < 300)
        {
            return;
        }

        // 407 is the standard answer; tinyproxy answers a wrong password with 401 instead.
        if (status is 407 or 401)
        {
            throw ProxyError.Authentication(proxy, proxy.UserName is null
                ? $"the proxy requires a user name and password ({reason})"
                : $"the proxy rejected the user name or password for '{proxy.UserName}' ({reason})");
        }

        throw ProxyError.Refused(proxy, $"CONNECT to {authority} answered {reason}");
    }

    /// <summary>
    /// Reads the answer's header up to its blank line, a byte at a time: anything after it already belongs to the
    /// tunnel (a server that speaks first) and must stay on the stream.
    /// </summary>
    private static async Task<string> ReadHeaderAsync(Stream stream, ProxyOptions proxy, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(256);
        var one = new byte[1];
        while (bytes.Count < MaxHeaderBytes)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(one, cancellationToken);
            }
            catch (IOException ex)
            {
                throw ProxyError.Closed(proxy, ex);
            }

            if (read == 0)
            {
                throw ProxyError.Closed(proxy, new EndOfStreamException());
            }

            bytes.Add(one[0]);
            var n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
            {
                return Encoding.Latin1.GetString([.. bytes]);
            }
        }

        throw ProxyError.Refused(proxy, $"its answer header exceeds {MaxHeaderBytes} bytes");
    }
}
