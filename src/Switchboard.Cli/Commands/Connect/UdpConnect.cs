using System.Text;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Connect;

/// <summary>
/// UDP for <c>switchboard connect --udp</c>: each stdin line is one datagram; replies are printed. At end of
/// stdin it waits for replies until the line has been quiet for the --timeout.
/// </summary>
internal static class UdpConnect
{
    public static async Task<int> RunAsync(ConnectSettings settings)
    {
        using var signal = new ShutdownSignal();
        System.Net.IPEndPoint remote;
        try
        {
            remote = await UdpEndpoint.ResolveAsync(settings.Host!, settings.Port, signal.Token);
        }
        catch (ConnectException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: {ex.Message}");
            return ExitCodes.For(ex.Error);
        }

        using var udp = UdpEndpoint.ForRemote(remote);
        udp.EnableBroadcast = settings.UdpOptions.Broadcast;
        udp.MulticastLoopback = !settings.UdpOptions.NoLoopback;
        if (settings.UdpOptions.MulticastTimeToLive is { } ttl)
        {
            udp.MulticastTimeToLive = ttl;
        }

        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(signal.Token);
        var stdinEnded = false;
        var receiving = ReceiveAsync(udp, settings.Hex, quiet, () => Volatile.Read(ref stdinEnded), settings.Timeout);
        var ending = settings.Crlf ? "\r\n" : "\n";
        try
        {
            await foreach (var bytes in StdinMessages.ReadAsync(settings.Hex, ending, error => Console.Error.WriteLine($"switchboard connect: stdin: {error}; line not sent"), signal.Token))
            {
                await udp.SendToAsync(bytes, remote, signal.Token);
            }
        }
        catch (UdpBroadcastNotEnabledException ex)
        {
            // A name that resolves to a broadcast address gets past the check of the command line.
            await Console.Error.WriteLineAsync($"switchboard connect: {ex.Address} is a broadcast address: add --broadcast to send to it");
            await quiet.CancelAsync();
            await receiving;
            return ExitCodes.Usage;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard connect: {ex.Message}");
            await quiet.CancelAsync();
            await receiving;
            return ExitCodes.Failure;
        }

        Volatile.Write(ref stdinEnded, true);
        quiet.CancelAfter(settings.Timeout);
        await receiving;
        return signal.Token.IsCancellationRequested ? ExitCodes.Stopped : ExitCodes.Ok;
    }

    private static async Task ReceiveAsync(UdpEndpoint udp, bool hex, CancellationTokenSource quiet, Func<bool> stdinEnded, TimeSpan quietPeriod)
    {
        await using var stdout = Console.OpenStandardOutput();
        try
        {
            while (true)
            {
                var datagram = await udp.ReceiveAsync(quiet.Token);
                var bytes = hex ? Encoding.UTF8.GetBytes(HexFormat.Dump(datagram.Data.Span)) : datagram.Data.ToArray();
                await stdout.WriteAsync(bytes, CancellationToken.None);
                await stdout.FlushAsync(CancellationToken.None);
                if (stdinEnded())
                {
                    // Every reply restarts the quiet period once stdin has ended.
                    quiet.CancelAfter(quietPeriod);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
