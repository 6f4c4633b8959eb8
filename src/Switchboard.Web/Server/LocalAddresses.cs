using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Switchboard.Web.Server;

/// <summary>
/// This machine's own addresses, as the Qt server window's drop-down lists them (QNetworkInterface): loopback first,
/// then the unicast addresses of the interfaces that are up. A new listener may bind only one of these.
/// </summary>
internal static class LocalAddresses
{
    public static IReadOnlyList<IPAddress> Get()
    {
        var found = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown))
                {
                    continue;
                }

                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    var address = unicast.Address;
                    // Link-local IPv6 needs its scope to be usable, which a drop-down hides: left out.
                    if (address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
                        && !address.IsIPv6LinkLocal && !found.Contains(address))
                    {
                        found.Add(address);
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface list (a sandbox): loopback is still this machine's.
        }

        return found;
    }

    /// <summary>The address <paramref name="text"/> names, when it is one of <see cref="Get"/>; else null.</summary>
    public static IPAddress? Find(string? text)
        => IPAddress.TryParse(text?.Trim('[', ']'), out var parsed) && Get().Contains(parsed) ? parsed : null;
}
