using System.Net;

namespace Switchboard.Net;

/// <summary>
/// A datagram was addressed to a broadcast address from an endpoint that has not switched broadcasting on
/// (<see cref="UdpEndpoint.EnableBroadcast"/>): broadcasting reaches every host on the link, so it is opt-in.
/// </summary>
public sealed class UdpBroadcastNotEnabledException : IOException
{
    /// <summary>Creates the exception.</summary>
    public UdpBroadcastNotEnabledException(IPAddress address, Exception? inner = null)
        : base($"{address} is a broadcast address: broadcasting is not enabled on this socket", inner) => Address = address;

    /// <summary>The broadcast address the datagram was sent to.</summary>
    public IPAddress Address { get; }
}
