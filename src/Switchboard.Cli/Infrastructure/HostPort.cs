namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// The one address syntax of connect, chat, bench and fortune get: <c>HOST PORT</c>, <c>HOST:PORT</c>,
/// <c>[IPv6]:PORT</c>, or a bare IPv6 address followed by a separate PORT (as netcat takes them).
/// </summary>
internal readonly record struct HostPort(string Host, int Port)
{
    /// <summary>How the address is written back: <c>host:port</c>, <c>[v6]:port</c>.</summary>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Reads <paramref name="target"/> (and the separate <paramref name="port"/> word, if any). Without a port,
    /// <paramref name="defaultPort"/> applies; null makes the port required.
    /// </summary>
    public static bool TryParse(string target, string? port, int? defaultPort, out HostPort address, out string error)
    {
        address = default;
        error = string.Empty;
        string host = target.Trim();
        string? embedded = null;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            if (close < 0 || (close + 1 < host.Length && host[close + 1] != ':'))
            {
                error = $"'{target}' is not an address: write [IPv6]:PORT, e.g. [::1]:8899";
                return false;
            }

            embedded = close + 1 < host.Length ? host[(close + 2)..] : null;
            host = host[1..close];
        }
        else if (host.Count(c => c == ':') == 1)
        {
            var colon = host.IndexOf(':');
            embedded = host[(colon + 1)..];
            host = host[..colon];
        }

        if (host.Length == 0)
        {
            error = $"'{target}' names no host: write HOST PORT or HOST:PORT";
            return false;
        }

        if (host.StartsWith('-'))
        {
            error = $"'{target}' is not an option here and not a host (see --help)";
            return false;
        }

        if (embedded is not null && port is not null)
        {
            error = $"the port is given twice ('{target}' and '{port}'): write HOST PORT or HOST:PORT";
            return false;
        }

        var portText = embedded ?? port;
        int number;
        if (portText is null)
        {
            if (defaultPort is not { } fallback)
            {
                error = $"no port given for {host}: write HOST PORT or HOST:PORT";
                return false;
            }

            number = fallback;
        }
        else if (!CliValues.TryParsePort(portText, allowZero: false, out number))
        {
            error = CliValues.PortError("PORT", portText, allowZero: false);
            return false;
        }

        address = new HostPort(host, number);
        return true;
    }
}
