using System.Net;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Listen;

/// <summary>The <c>--join</c> groups of <c>listen --udp</c>: multicast addresses, all of one family.</summary>
internal static class MulticastGroups
{
    /// <summary>Why the groups cannot be joined together, or null when they can.</summary>
    public static string? Check(IEnumerable<string> groups)
    {
        IPAddress? first = null;
        foreach (var text in groups)
        {
            if (!IPAddress.TryParse(text.Trim('[', ']'), out var group) || !UdpEndpoint.IsMulticast(group))
            {
                return $"--join '{text}' is not a multicast address (IPv4 224.0.0.0 to 239.255.255.255, IPv6 ff00::/8)";
            }

            first ??= group;
            if (group.AddressFamily != first.AddressFamily)
            {
                return "--join groups must be all IPv4 or all IPv6 (one socket has one family)";
            }
        }

        return null;
    }

    /// <summary>The groups as addresses; call after <see cref="Check"/> has passed.</summary>
    public static IReadOnlyList<IPAddress> Parse(IEnumerable<string> groups) => [.. groups.Select(g => IPAddress.Parse(g.Trim('[', ']')))];
}
