using System.Net;
using System.Net.NetworkInformation;

namespace Switchboard.Cli.Infrastructure;

/// <summary>The addresses a listener may bind here: the wildcards, loopback, and those of this machine's interfaces.</summary>
internal static class LocalAddresses
{
    public static bool IsBindable(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address) || All() is not { } all || all.Contains(address);

    public static string Describe() => string.Join(", ", (All() ?? []).Where(a => !IPAddress.IsLoopback(a)).Take(6).Select(a => a.ToString()).DefaultIfEmpty("none besides loopback"));

    private static HashSet<IPAddress>? All()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address.IsIPv6LinkLocal ? new IPAddress(u.Address.GetAddressBytes()) : u.Address)
                .ToHashSet();
        }
        catch (NetworkInformationException)
        {
            // Without an interface list, let the bind itself decide.
            return null;
        }
    }
}
