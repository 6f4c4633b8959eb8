using System.Globalization;
using System.Net;

namespace Switchboard.Web.Client;

/// <summary>
/// One entry of the client page's allow list, <c>HOST:PORTS</c>: HOST is <c>*</c>, an address, a network in CIDR
/// form or a host name (IPv6 in brackets); PORTS is <c>*</c>, a port or a range <c>LOW-HIGH</c>.
/// </summary>
internal sealed record TargetRule(string Text, string? Name, IPNetwork? Network, bool AnyHost, int LowPort, int HighPort)
{
    private const string Example = "such as 127.0.0.1:8899, 10.0.0.0/8:*, [::1]:8000-8999 or example.org:443";

    public static TargetRule Parse(string entry)
    {
        var text = entry.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"client target '{entry}' is not HOST:PORTS ({Example})");
        }

        var host = text[..colon];
        var (low, high) = ParsePorts(text[(colon + 1)..], entry);
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException($"client target '{entry}': write an IPv6 address in brackets ([::1]:*)");
        }

        if (host == "*")
        {
            return new TargetRule(text, null, null, AnyHost: true, low, high);
        }

        if (host.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(host, out var network)
                ? new TargetRule(text, null, network, AnyHost: false, low, high)
                : throw new FormatException($"client target '{entry}': '{host}' is not a network (10.0.0.0/8, [fd00::/8])");
        }

        if (IPAddress.TryParse(host, out var address))
        {
            address = Normalize(address);
            return new TargetRule(text, null, new IPNetwork(address, address.GetAddressBytes().Length * 8), AnyHost: false, low, high);
        }

        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            throw new FormatException($"client target '{entry}': '{host}' is not a host name, an address or a network");
        }

        return new TargetRule(text, host.TrimEnd('.').ToLowerInvariant(), null, AnyHost: false, low, high);
    }

    public bool AllowsPort(int port) => port >= LowPort && port <= HighPort;

    public bool AllowsName(string host, int port) => Name is not null && AllowsPort(port) && string.Equals(Name, host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);

    public bool AllowsAddress(IPAddress address, int port) => AllowsPort(port) && (AnyHost || (Network is { } network && network.Contains(address)));

    /// <summary>An IPv4 address written as IPv6 (::ffff:127.0.0.1) is the IPv4 address, and must match as one.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static (int Low, int High) ParsePorts(string ports, string entry)
    {
        if (ports == "*")
        {
            return (1, 65535);
        }

        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        var low = dash < 0 ? ports : ports[..dash];
        var high = dash < 0 ? ports : ports[(dash + 1)..];
        if (int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l is >= 1 and <= 65535
            && int.TryParse(high, NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h is >= 1 and <= 65535 && l <= h)
        {
            return (l, h);
        }

        throw new FormatException($"client target '{entry}': '{ports}' is not a port (1-65535), a range LOW-HIGH or *");
    }
}
