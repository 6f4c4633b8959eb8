using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Proxy;

/// <summary>A real proxy from Debian running on a loopback port, stopped on dispose.</summary>
public sealed class ProxyPeer(ExternalProcess process, int port, TempFolder? folder) : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "s3cret";

    public int Port { get; } = port;

    public ExternalProcess Process { get; } = process;

    /// <summary>
    /// microsocks on 127.0.0.1, with <see cref="User"/>/<see cref="Password"/> when <paramref name="auth"/>. With
    /// <paramref name="hostsFile"/> it runs in a private mount namespace where that file is /etc/hosts, so it
    /// resolves names this process cannot: proof that the client left the lookup to the proxy.
    /// </summary>
    public static async Task<ProxyPeer> StartMicrosocksAsync(bool auth, string? hostsFile = null)
    {
        var port = FreePort();
        string[] arguments = ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. auth ? new[] { "-u", User, "-P", Password } : []];
        var process = hostsFile is null
            ? ExternalProcess.Start(Peers.Microsocks, arguments)
            : ExternalProcess.Start(Peers.Unshare, ["-rm", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hostsFile, Peers.Microsocks, .. arguments]);
        return await ReadyAsync(process, port, null);
    }

    /// <summary>tinyproxy on 127.0.0.1 with Basic authentication; <paramref name="extraConfig"/> adds lines such as ConnectPort.</summary>
    public static async Task<ProxyPeer> StartTinyproxyAsync(params string[] extraConfig)
    {
        var port = FreePort();
        var folder = new TempFolder();
        var config = folder.File("tinyproxy.conf", string.Join('\n', [
            $"Port {port}",
            "Listen 127.0.0.1",
            "Allow 127.0.0.1",
            $"BasicAuth {User} {Password}",
            "Timeout 60",
            "LogLevel Info",
            .. extraConfig,
        ]) + "\n");
        var process = ExternalProcess.Start(Peers.Tinyproxy, ["-d", "-c", config]);
        return await ReadyAsync(process, port, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        folder?.Dispose();
    }

    private static async Task<ProxyPeer> ReadyAsync(ExternalProcess process, int port, TempFolder? folder)
    {
        var peer = new ProxyPeer(process, port, folder);
        try
        {
            await process.WaitUntilAsync(() => IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Any(e => e.Port == port), ExternalProcess.DefaultTimeout, $"a listener on port {port}");
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
