using System.Net;
using System.Net.Sockets;

namespace Switchboard.Chat.Commands;

/// <summary>Who counts as one client for per-address limits of commands (/oper back-off, room creation).</summary>
internal static class AddressKey
{
    /// <summary>
    /// IPv4 as is; IPv6 by its /64, since one user is handed a whole /64 and could otherwise rotate through it;
    /// every Unix-socket client together as "unix".
    /// </summary>
    public static string For(IPAddress? address)
    {
        if (address is null)
        {
            return "unix";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
