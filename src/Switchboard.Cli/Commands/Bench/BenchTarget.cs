using System.Net;
using System.Net.Sockets;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>
/// Where a bench run connects: a loopback TCP endpoint or a Unix socket. Load is only ever aimed at this machine,
/// so any other address is refused before a single packet is sent.
/// </summary>
internal sealed record BenchTarget(EndPoint EndPoint, string Display)
{
    public bool IsUnix => EndPoint is UnixDomainSocketEndPoint;

    public int Port => EndPoint is IPEndPoint ip ? ip.Port : 0;

    /// <summary>Parses "HOST:PORT" ("[::1]:PORT" for IPv6), the address syntax of every command. HOST must be a loopback address or "localhost".</summary>
    public static bool TryParseTcp(string text, out BenchTarget? target, out string error)
    {
        target = null;
        if (!HostPort.TryParse(text, null, null, out var hostPort, out error))
        {
            error = $"--target: {error}";
            return false;
        }

        var (host, port) = (hostPort.Host, hostPort.Port);
        IPAddress address;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Not resolved: /etc/hosts could map it anywhere, and 127.0.0.1 is what it means here.
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            error = $"--target host must be a loopback address (127.0.0.0/8, ::1) or localhost, not '{host}': bench load stays on this machine";
            return false;
        }

        if (!IPAddress.IsLoopback(address))
        {
            error = $"refusing to bench {address}: only loopback (127.0.0.0/8, ::1) and Unix sockets are allowed";
            return false;
        }

        var endPoint = new IPEndPoint(address, port);
        target = new BenchTarget(endPoint, endPoint.ToString());
        return true;
    }

    public static BenchTarget Unix(string path) => new(new UnixDomainSocketEndPoint(Path.GetFullPath(path)), $"unix:{path}");
}
