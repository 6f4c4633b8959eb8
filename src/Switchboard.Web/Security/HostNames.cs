using System.Net;

namespace Switchboard.Web.Security;

/// <summary>
/// The names a request may give in its Host header (and so in its Origin). DNS rebinding works by pointing a name
/// the attacker owns at this machine, so the browser sends that name: refusing every name not known here defeats
/// it whatever the token says. Loopback names are always known. Bound beyond loopback, so are IP literals (a
/// literal is not a name anyone can re-point), this machine's own name and the configured ones.
/// </summary>
internal sealed class HostNames
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase) { "localhost" };
    private readonly bool _anyAddress;

    public HostNames(ConsoleOptions options)
    {
        _anyAddress = !options.IsLoopback;
        foreach (var name in options.AllowedHosts)
        {
            _names.Add(name.Trim().TrimEnd('.'));
        }

        if (_anyAddress)
        {
            _names.Add(Dns.GetHostName());
        }
    }

    /// <summary>Whether <paramref name="host"/> (without its port; IPv6 in brackets or not) may be served.</summary>
    public bool Allows(string host)
    {
        if (host.Length == 0)
        {
            // HTTP/1.0 without a Host header: no browser sends that, and nothing can be checked.
            return false;
        }

        var bare = host.Trim('[', ']');
        if (IPAddress.TryParse(bare, out var address))
        {
            return IPAddress.IsLoopback(address) || _anyAddress;
        }

        // A trailing dot names the same host in DNS, so it must not slip past the list.
        return _names.Contains(bare.TrimEnd('.'));
    }
}
