using System.Net;

namespace Switchboard.Web;

/// <summary>
/// How the web console is served. The defaults are the safe ones: loopback only, no login there, the client page
/// on (it can open connections from this machine, so it is turned off with <see cref="EnableClientPage"/>).
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>The default port of the console, as the Qt windows' fixed port: 8080.</summary>
    public const int DefaultPort = 8080;

    /// <summary>The address or host name the console is bound to: 127.0.0.1 by default.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// The access token. Required on every request when <see cref="Host"/> is not a loopback address; when it is
    /// needed and not set, a random one is generated at start-up and printed. Configuration key <c>Web:Token</c>.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Whether the client page (which opens TCP, TLS, Unix-socket and UDP connections from the server process on the
    /// browser's behalf) is served. On by default; turn it off where browser users must not reach other hosts.
    /// </summary>
    public bool EnableClientPage { get; set; } = true;

    /// <summary>
    /// Extra origins (such as <c>https://console.example.org</c>) allowed to open the console's WebSockets besides
    /// the console's own. Empty by default: a page from any other site cannot drive the console.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>How often the server page's connection table is refreshed: 500 ms.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The most events held for one server-page socket between two flushes; older ones are dropped (and counted)
    /// so a slow browser never makes the server buffer without bound: 2,000.
    /// </summary>
    public int EventBacklog { get; set; } = 2000;

    /// <summary>Where the server page, chat page and the listeners come from; null serves the client page only.</summary>
    public IConsoleServer? Server { get; set; }

    /// <summary>Called once the host listens, with the addresses to open (the token included when one is needed).</summary>
    public Action<IReadOnlyList<string>>? Started { get; set; }

    /// <summary>Whether <see cref="Host"/> is loopback, where the console needs no token.</summary>
    public bool IsLoopback => IsLoopbackHost(Host);

    /// <summary>Whether a host name or address is loopback (127.0.0.0/8, ::1 or localhost).</summary>
    public static bool IsLoopbackAddress(string host) => IsLoopbackHost(host);

    /// <summary>Whether a token is asked for: always when bound beyond loopback, or when one was configured.</summary>
    public bool RequiresToken => !IsLoopback || !string.IsNullOrEmpty(Token);

    internal static bool IsLoopbackHost(string host)
    {
        var trimmed = host.Trim('[', ']');
        if (string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(trimmed, out var address) && IPAddress.IsLoopback(address);
    }
}
