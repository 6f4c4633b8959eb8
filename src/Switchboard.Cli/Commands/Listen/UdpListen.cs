using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Listen;

/// <summary>
/// The UDP side of <c>switchboard listen</c>. UDP has no connections, so a "client" is a sender seen in the last
/// few minutes: print mode sends stdin to those, relay mode forwards each datagram to the others.
/// </summary>
internal static class UdpListen
{
    private static readonly TimeSpan PeerLifetime = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(ListenSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        // A socket bound to 127.0.0.1 never sees datagrams addressed to a group: members bind the any address.
        var address = settings.Join.Count > 0 && !settings.HostGiven
            ? settings.Join[0].AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any
            : ListenCommand.ParseAddress(settings.Host);
        using var udp = UdpEndpoint.Bind(new IPEndPoint(address, settings.Port!.Value));
        foreach (var group in settings.Join)
        {
            udp.JoinMulticastGroup(group);
            logger.LogInformation("joined multicast group {Group}", group);
        }

        await Console.Error.WriteLineAsync($"listening on udp {udp.LocalEndPoint} (mode {settings.Mode.ToString().ToLowerInvariant()})");
        var peers = new ConcurrentDictionary<IPEndPoint, DateTime>();
        var output = new StdoutWriter();
        if (settings.Mode == ListenMode.Print)
        {
            _ = Task.Run(() => StdinToPeersAsync(udp, peers, settings.Hex, logger, cancellationToken), CancellationToken.None);
        }

        try
        {
            while (true)
            {
                var datagram = await udp.ReceiveAsync(cancellationToken);
                if (peers.TryAdd(datagram.RemoteEndPoint, DateTime.UtcNow))
                {
                    logger.LogInformation("{Peer} sent its first datagram", datagram.RemoteEndPoint);
                }

                peers[datagram.RemoteEndPoint] = DateTime.UtcNow;
                switch (settings.Mode)
                {
                    case ListenMode.Echo:
                        await udp.SendToAsync(datagram.Data, datagram.RemoteEndPoint, cancellationToken);
                        break;
                    case ListenMode.Relay:
                        foreach (var peer in LivePeers(peers))
                        {
                            if (!peer.Equals(datagram.RemoteEndPoint))
                            {
                                await udp.SendToAsync(datagram.Data, peer, cancellationToken);
                            }
                        }

                        break;
                    default:
                        output.WriteText(settings.Hex
                            ? $"[{datagram.RemoteEndPoint}] {datagram.Data.Length} bytes\n{HexFormat.Dump(datagram.Data.Span)}"
                            : $"[{datagram.RemoteEndPoint}] {TerminalText.Escape(Encoding.UTF8.GetString(datagram.Data.Span).TrimEnd('\n', '\r'))}\n");
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        // Closing would drop the memberships too; leaving says so, as a member that leaves on purpose.
        foreach (var group in settings.Join)
        {
            udp.LeaveMulticastGroup(group);
            logger.LogInformation("left multicast group {Group}", group);
        }

        return ExitCodes.Ok;
    }

    private static IEnumerable<IPEndPoint> LivePeers(ConcurrentDictionary<IPEndPoint, DateTime> peers)
    {
        var cutoff = DateTime.UtcNow - PeerLifetime;
        foreach (var (peer, seen) in peers)
        {
            if (seen < cutoff)
            {
                peers.TryRemove(peer, out _);
            }
            else
            {
                yield return peer;
            }
        }
    }

    private static async Task StdinToPeersAsync(UdpEndpoint udp, ConcurrentDictionary<IPEndPoint, DateTime> peers, bool hex, ILogger logger, CancellationToken cancellationToken)
    {
        await foreach (var bytes in StdinMessages.ReadAsync(hex, "\n", error => logger.LogWarning("stdin: {Error}; line not sent", error), cancellationToken))
        {
            foreach (var peer in LivePeers(peers))
            {
                await udp.SendToAsync(bytes, peer, cancellationToken);
            }
        }
    }
}
