using System.Text;

namespace Switchboard.Net;

/// <summary>The kind of proxy a client tunnels through (QNetworkProxy's Socks5Proxy and HttpProxy).</summary>
public enum ProxyKind
{
    /// <summary>SOCKS5 (RFC 1928), with no authentication or user name and password (RFC 1929).</summary>
    Socks5,

    /// <summary>An HTTP proxy's CONNECT tunnel, with Basic authentication when a user name is given.</summary>
    HttpConnect,
}

/// <summary>
/// A proxy for TCP client connections. Host names of the target are resolved by the proxy, not locally
/// (remote DNS), so a client behind a proxy needs no DNS of its own.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>Creates proxy settings.</summary>
    /// <param name="kind">SOCKS5 or HTTP CONNECT.</param>
    /// <param name="host">The proxy's host name or address.</param>
    /// <param name="port">The proxy's port, 1 to 65535.</param>
    /// <param name="userName">The user name, or null for none; with SOCKS5 at most 255 bytes of UTF-8.</param>
    /// <param name="password">The password (empty when null); with SOCKS5 at most 255 bytes of UTF-8.</param>
    public ProxyOptions(ProxyKind kind, string host, int port, string? userName = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (kind == ProxyKind.Socks5 && (Encoding.UTF8.GetByteCount(userName ?? "") > 255 || Encoding.UTF8.GetByteCount(password ?? "") > 255))
        {
            throw new ArgumentException("a SOCKS5 user name and password hold at most 255 bytes each");
        }

        Kind = kind;
        Host = host.Trim('[', ']');
        Port = port;
        UserName = string.IsNullOrEmpty(userName) ? null : userName;
        Password = UserName is null ? null : password ?? "";
    }

    /// <summary>SOCKS5 or HTTP CONNECT.</summary>
    public ProxyKind Kind { get; }

    /// <summary>The proxy's host name or address.</summary>
    public string Host { get; }

    /// <summary>The proxy's port.</summary>
    public int Port { get; }

    /// <summary>The user name, or null to connect without authentication.</summary>
    public string? UserName { get; }

    /// <summary>The password; null exactly when <see cref="UserName"/> is.</summary>
    public string? Password { get; }

    /// <summary>
    /// Reads a proxy URL: <c>socks5://[user:pass@]host:port</c> (<c>socks5h://</c> means the same: names are
    /// always resolved by the proxy) or <c>http://[user:pass@]host[:port]</c> (port 80 when absent). The user
    /// name and password may be percent-encoded.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a URL; the message says what is wrong.</exception>
    public static ProxyOptions Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"'{url}' is not a proxy URL (socks5://[user:pass@]host:port or http://[user:pass@]host:port)");
        }

        var kind = uri.Scheme switch
        {
            "socks5" or "socks5h" => ProxyKind.Socks5,
            "http" => ProxyKind.HttpConnect,
            _ => throw new FormatException($"proxy scheme '{uri.Scheme}' is not supported (use socks5:// or http://)"),
        };
        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new FormatException($"a proxy URL has no path or query: '{url}'");
        }

        // Uri gives -1 for an unknown scheme without a port; SOCKS has a well-known one.
        var port = uri.Port > 0 ? uri.Port : kind == ProxyKind.Socks5 ? 1080 : 80;
        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        try
        {
            return new ProxyOptions(kind, uri.Host, port, user, password);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The proxy the environment names for a connection to <paramref name="targetHost"/>, as curl reads it:
    /// <c>ALL_PROXY</c>, else <c>HTTPS_PROXY</c> (upper or lower case), unless <c>NO_PROXY</c> lists the host
    /// (a name, a domain suffix such as <c>.example.org</c>, an address, or <c>*</c> for all). Null when none applies.
    /// </summary>
    /// <exception cref="FormatException">The variable holds something that is not a proxy URL; the message names it.</exception>
    public static ProxyOptions? FromEnvironment(string targetHost) => FromEnvironment(targetHost, Environment.GetEnvironmentVariable);

    internal static ProxyOptions? FromEnvironment(string targetHost, Func<string, string?> variable)
    {
        foreach (var name in (string[])["ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"])
        {
            var value = variable(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (Bypassed(targetHost, variable("NO_PROXY") ?? variable("no_proxy")))
            {
                return null;
            }

            try
            {
                return Parse(value);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{name}: {ex.Message}", ex);
            }
        }

        return null;
    }

    private static bool Bypassed(string targetHost, string? noProxy)
    {
        if (string.IsNullOrWhiteSpace(noProxy))
        {
            return false;
        }

        var host = targetHost.Trim('[', ']');
        foreach (var raw in noProxy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw.Trim('[', ']');
            if (entry == "*" || string.Equals(entry, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            var suffix = entry.StartsWith('.') ? entry : "." + entry;
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The proxy as a URL, without the password.</summary>
    public override string ToString()
        => $"{(Kind == ProxyKind.Socks5 ? "socks5" : "http")}://{(UserName is null ? "" : Uri.EscapeDataString(UserName) + "@")}{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}
