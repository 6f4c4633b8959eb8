using System.Globalization;

namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>
/// A private network (and mount) namespace made with <c>unshare -rnm</c>, for multicast and broadcast, which must
/// never reach a real network. Inside: lo up with multicast and the IPv4 multicast route (as the issue says), and
/// a veth pair sb0/sb1 carrying IPv6 multicast (Linux does not deliver IPv6 multicast over lo), whose multicast
/// loopback copy is what <c>--no-loopback</c> switches off. Commands run inside with <c>nsenter</c>.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private const string Setup =
        "set -e; " +
        "ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo; " +
        "ip link add sb0 type veth peer name sb1; ip link set sb0 multicast on; ip link set sb0 up; ip link set sb1 up; " +
        "ip -6 addr add fd00:5b::1/64 dev sb0 nodad; ip -6 route add ff00::/8 dev sb0 table local; " +
        // The veth's link-local addresses start tentative (duplicate address detection, about 0.5 s): until then
        // an IPv6 multicast send fails with EADDRNOTAVAIL. Seen on a fast fresh-clone CI run; wait, at most 10 s.
        "i=0; while ip -6 addr | grep -q tentative; do i=$((i+1)); if [ $i -ge 200 ]; then echo 'IPv6 addresses stayed tentative' >&2; exit 1; fi; sleep 0.05; done; " +
        // A hosts file of the namespace's own, so tests can name addresses (a broadcast one, say).
        "if [ -n \"$0\" ]; then mount --bind \"$0\" /etc/hosts; fi; " +
        "echo \"ready $$\"; exec cat";

    private readonly ExternalProcess _holder;
    private readonly string _pid;

    private NetworkNamespace(ExternalProcess holder, string pid)
    {
        _holder = holder;
        _pid = pid;
    }

    /// <summary>Makes the namespace; <paramref name="hostsFile"/>, if given, is its /etc/hosts.</summary>
    public static async Task<NetworkNamespace> StartAsync(string? hostsFile = null)
    {
        Peers.Require("/bin/ip", "iproute2");
        // The holder is cat on a pipe from this process: if the test run dies, the pipe closes and the namespace goes.
        var holder = ExternalProcess.Start(Peers.Unshare, ["-rnm", "sh", "-c", Setup, hostsFile ?? ""]);
        try
        {
            var ready = await holder.WaitForLineAsync(@"^ready (\d+)$");
            return new NetworkNamespace(holder, ready.Groups[1].Value);
        }
        catch
        {
            await holder.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>switchboard</c> inside the namespace.</summary>
    public ExternalProcess StartCli(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "switchboard.dll");
        return ExternalProcess.Start(Peers.Nsenter, ["-t", _pid, "-U", "-n", "-m", "--preserve-credentials", "dotnet", dll, .. arguments]);
    }

    /// <summary>Runs <c>switchboard</c> inside the namespace to its end; <paramref name="input"/> is its whole stdin.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(string input, params string[] arguments)
    {
        await using var process = StartCli(arguments);
        if (input.Length > 0)
        {
            await process.WriteLineAsync(input);
        }

        process.CloseInput();
        var exit = await process.WaitForExitAsync(SwitchboardCli.RunTimeout);
        return (exit, process.Stdout, process.Stderr);
    }

    /// <summary>Starts <c>switchboard listen --udp --port 0</c> inside and reads the port it reports.</summary>
    public async Task<(ExternalProcess Process, int Port)> ListenUdpAsync(params string[] arguments)
    {
        var process = StartCli(["listen", "--udp", "--port", "0", .. arguments]);
        try
        {
            var match = await process.WaitForLineAsync(@"listening on udp \S+:(\d+) \(", stderr: true);
            return (process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _holder.DisposeAsync();
}
