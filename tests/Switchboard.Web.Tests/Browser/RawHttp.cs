using System.Net.Sockets;
using System.Text;

namespace Switchboard.Web.Tests.Browser;

/// <summary>
/// One HTTP/1.1 request written by hand, as a hostile client or a rebinding page would send it (any Host, any
/// Origin, a WebSocket upgrade), and the status code of the answer.
/// </summary>
internal static class RawHttp
{
    public static async Task<int> StatusAsync(string baseUrl, string path, string host, IReadOnlyDictionary<string, string> headers)
    {
        var uri = new Uri(baseUrl);
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(uri.Host, uri.Port, timeout.Token);
        var stream = client.GetStream();
        var request = new StringBuilder($"GET {path} HTTP/1.1\r\nHost: {host}\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), timeout.Token);
        var buffer = new byte[256];
        var read = 0;
        while (read < 12)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
            if (n == 0)
            {
                throw new IOException("the server closed without answering");
            }

            read += n;
        }

        // "HTTP/1.1 101 Switching Protocols"
        return int.Parse(Encoding.ASCII.GetString(buffer, 9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The headers of a WebSocket upgrade from a page of <paramref name="origin"/>.</summary>
    public static Dictionary<string, string> Upgrade(string origin) => new()
    {
        ["Upgrade"] = "websocket",
        ["Connection"] = "Upgrade",
        ["Sec-WebSocket-Key"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
        ["Sec-WebSocket-Version"] = "13",
        ["Origin"] = origin,
    };
}
