using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Switchboard.Net;

// Multicast groups and broadcast: QUdpSocket's joinMulticastGroup/leaveMulticastGroup, MulticastTtlOption,
// MulticastLoopbackOption and BroadcastSocket bind flag.
public sealed partial class UdpEndpoint
{
    private bool IsIPv6 => _socket.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>
    /// Allows sending to broadcast addresses (SO_BROADCAST). Off by default: a datagram to a broadcast address then
    /// fails with <see cref="UdpBroadcastNotEnabledException"/> instead of reaching every host on the link.
    /// </summary>
    public bool EnableBroadcast
    {
        get => _socket.EnableBroadcast;
        set => _socket.EnableBroadcast = value;
    }

    /// <summary>
    /// How many routers a multicast datagram sent from here may cross (IPv4 TTL, IPv6 hop limit), 0 to 255.
    /// The system default is 1: the local link only.
    /// </summary>
    public int MulticastTimeToLive
    {
        get => (int)_socket.GetSocketOption(IsIPv6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive)!;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 255);
            _socket.SetSocketOption(IsIPv6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, value);
        }
    }

    /// <summary>
    /// Whether multicast datagrams sent from here are also delivered to members on this host. On by default (as
    /// the system's default); turn it off so a sender that has joined its own group does not hear itself.
    /// </summary>
    public bool MulticastLoopback
    {
        get => (int)_socket.GetSocketOption(IsIPv6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP, SocketOptionName.MulticastLoopback)! != 0;
        set => _socket.SetSocketOption(IsIPv6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, value);
    }

    /// <summary>
    /// Joins a multicast group, so datagrams sent to it (and to this endpoint's port) are received. The endpoint
    /// must be bound to the group's family, and to the any address (or the group) to see the group's datagrams.
    /// </summary>
    /// <param name="group">An IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast address.</param>
    /// <param name="interfaceIndex">The interface to join on; 0 lets the system choose by its routes.</param>
    /// <exception cref="ArgumentException">The address is not multicast, or of the other family.</exception>
    /// <exception cref="IOException">The system refused (no route to the group, already joined, ...).</exception>
    public void JoinMulticastGroup(IPAddress group, int interfaceIndex = 0) => ChangeMembership(group, interfaceIndex, join: true);

    /// <summary>Leaves a group joined with <see cref="JoinMulticastGroup"/>.</summary>
    /// <exception cref="IOException">The endpoint is not a member.</exception>
    public void LeaveMulticastGroup(IPAddress group, int interfaceIndex = 0) => ChangeMembership(group, interfaceIndex, join: false);

    /// <summary>Whether an address is multicast: 224.0.0.0/4 or ff00::/8.</summary>
    public static bool IsMulticast(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? address.IsIPv6Multicast
            : address.AddressFamily == AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 224;
    }

    /// <summary>Whether an address is the limited broadcast 255.255.255.255 or the directed broadcast of a local IPv4 network (127.255.255.255 on lo).</summary>
    public static bool IsBroadcast(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        if (address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        var target = BitConverter.ToUInt32(address.GetAddressBytes());
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily != AddressFamily.InterNetwork || unicast.PrefixLength is <= 0 or >= 31)
                {
                    continue;
                }

                var host = BitConverter.ToUInt32(unicast.Address.GetAddressBytes());
                var mask = BitConverter.ToUInt32(unicast.IPv4Mask.GetAddressBytes());
                if ((host | ~mask) == target)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void ChangeMembership(IPAddress group, int interfaceIndex, bool join)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfNegative(interfaceIndex);
        if (!IsMulticast(group))
        {
            throw new ArgumentException($"{group} is not a multicast address (IPv4 224.0.0.0 to 239.255.255.255, IPv6 ff00::/8)", nameof(group));
        }

        if ((group.AddressFamily == AddressFamily.InterNetworkV6) != IsIPv6)
        {
            throw new ArgumentException($"{group} is {(IsIPv6 ? "IPv4" : "IPv6")} but this endpoint is bound to {LocalEndPoint.Address}", nameof(group));
        }

        try
        {
            if (IsIPv6)
            {
                _socket.SetSocketOption(SocketOptionLevel.IPv6, join ? SocketOptionName.AddMembership : SocketOptionName.DropMembership, new IPv6MulticastOption(group, interfaceIndex));
            }
            else
            {
                _socket.SetSocketOption(SocketOptionLevel.IP, join ? SocketOptionName.AddMembership : SocketOptionName.DropMembership, new MulticastOption(group, interfaceIndex));
            }
        }
        catch (SocketException ex)
        {
            // ENODEV: no interface was named and no route leads to the group, so the system cannot pick one.
            var reason = ex.NativeErrorCode == 19 ? "no network interface routes to it (add a multicast route)" : ex.Message;
            throw new IOException($"cannot {(join ? "join" : "leave")} multicast group {group}: {reason}", ex);
        }
    }
}
