using System.Net;
using System.Net.Sockets;
using Switchboard.Web.Security;

namespace Switchboard.Web.Client;

/// <summary>Why the client page may not connect somewhere: said to the page as is.</summary>
internal sealed class TargetRefusedException(string message) : Exception(message);

/// <summary>
/// Where the client page may connect, so it is no open proxy from this machine. Network targets are checked by
/// the address actually dialled: a name is resolved here and the connection goes to the address that passed, so a
/// name that resolves differently a moment later (DNS rebinding) cannot slip through. Names in the list are
/// trusted as names. Unix sockets are allowed only under the configured directories, and never through a link.
/// </summary>
internal sealed class TargetPolicy
{
    private static readonly string[] LoopbackTargets = ["127.0.0.0/8:*", "[::1]:*"];
    private readonly TargetRule[] _rules;
    private readonly UnixDirectories _unixDirectories;

    private TargetPolicy(TargetRule[] rules, UnixDirectories unixDirectories)
    {
        _rules = rules;
        _unixDirectories = unixDirectories;
    }

    /// <summary>The policy of <paramref name="options"/>; throws <see cref="FormatException"/> naming a bad entry.</summary>
    public static TargetPolicy Create(ConsoleOptions options)
    {
        IEnumerable<string> entries = options.ClientTargets.Count > 0 ? options.ClientTargets : options.IsLoopback ? LoopbackTargets : [];
        var directories = new UnixDirectories(options.ClientUnixDirectories, "the client page", "Web:ClientUnixDirectories");
        return new TargetPolicy([.. entries.Select(TargetRule.Parse)], directories);
    }

    /// <summary>
    /// The host to dial for <paramref name="host"/>:<paramref name="port"/> (an address, or the name when a name
    /// entry allows it), or a <see cref="TargetRefusedException"/>.
    /// </summary>
    public async Task<string> CheckNetworkAsync(string host, int port, CancellationToken cancellationToken)
    {
        var bare = host.Trim().Trim('[', ']');
        if (_rules.Length == 0)
        {
            throw new TargetRefusedException("the client page may not connect anywhere from this console (allow targets with Web:ClientTargets)");
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
        {
            addresses = [literal];
        }
        else if (_rules.FirstOrDefault(r => r.AllowsName(bare, port)) is { Name: { } name })
        {
            return name;
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken);
            }
            catch (Exception ex) when (ex is SocketException or ArgumentException)
            {
                throw new TargetRefusedException($"host not found: {bare}");
            }
        }

        // IPv4 first, as the connection itself would try it.
        foreach (var address in addresses.Select(TargetRule.Normalize).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1))
        {
            if (_rules.Any(r => r.AllowsAddress(address, port)))
            {
                return address.ToString();
            }
        }

        throw new TargetRefusedException($"{bare}:{port} is not a target the client page may reach (allowed: {string.Join(", ", _rules.Select(r => r.Text))}; see Web:ClientTargets)");
    }

    /// <summary>The full path of an allowed Unix socket, or a <see cref="TargetRefusedException"/>.</summary>
    public string CheckUnix(string path)
        => _unixDirectories.Check(path, out var refusal) ?? throw new TargetRefusedException(refusal!);
}
