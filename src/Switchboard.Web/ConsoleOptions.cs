using System.Net;

namespace Switchboard.Web;

/// <summary>
/// How the web console is served. The defaults are the safe ones: loopback only, a token even there (another
/// account on the same machine can reach loopback too), Host and Origin checked on every request, and a client page
/// that reaches only loopback (it opens connections from this machine; turn it off with <see cref="EnableClientPage"/>).
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
    /// The access token, required on every request (see <see cref="RequireToken"/>); when it is not set, a random
    /// one is generated at start-up (read it from <see cref="ConsoleMount.Token"/>). Configuration key <c>Web:Token</c>.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Whether the console asks for the token on loopback too: true by default, because every local account can
    /// reach 127.0.0.1 (as Jupyter does). False is the opt-out for a single-user machine, and is refused unless
    /// <see cref="Host"/> is loopback. Configuration key <c>Web:RequireToken</c>, serve's <c>--web-no-token</c>.
    /// </summary>
    public bool RequireToken { get; set; } = true;

    /// <summary>
    /// Where to write a generated token (created with mode 600 and removed when the console stops), so it need not
    /// appear in any log; null writes none. serve uses <c>DATA/web-token</c>. Configuration key <c>Web:TokenFile</c>.
    /// </summary>
    public string? TokenFile { get; set; }

    /// <summary>
    /// Host names (besides loopback ones) that requests may name in their Host header, such as
    /// <c>console.example.org</c> behind a reverse proxy. Bound beyond loopback, IP literals and this machine's own
    /// name are accepted too. Any other name is refused, token or not: that is what defeats DNS rebinding.
    /// Configuration key <c>Web:AllowedHosts</c>.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Where the client page may connect (TCP, TLS, UDP), as <c>HOST:PORTS</c> entries: HOST is an address, a
    /// network (<c>10.0.0.0/8</c>, <c>[fd00::/8]</c>), a host name or <c>*</c>; PORTS is a port, a range
    /// (<c>8000-8999</c>) or <c>*</c>. Empty (the default) means loopback, any port, when the console itself is on
    /// loopback, and nowhere otherwise. Configuration key <c>Web:ClientTargets</c>.
    /// </summary>
    public IList<string> ClientTargets { get; } = [];

    /// <summary>
    /// The directories under which the client page may open Unix sockets; empty (the default) allows none, so the
    /// page cannot reach another service's socket that the server's account can open. Configuration key
    /// <c>Web:ClientUnixDirectories</c>.
    /// </summary>
    public IList<string> ClientUnixDirectories { get; } = [];

    /// <summary>
    /// The directories under which the server page may start a new Unix-socket listener; empty (the default) allows
    /// none, so a token holder cannot make the server bind (or replace a dead server's socket) anywhere its account can
    /// write. Configuration key <c>Web:ListenerUnixDirectories</c>.
    /// </summary>
    public IList<string> ListenerUnixDirectories { get; } = [];

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

    /// <summary>
    /// How long the client page's connect may take (the name's lookup, the TCP connect and, for TLS, the handshake):
    /// 3 s, as <c>switchboard connect</c>'s default, so a target that does not answer is reported soon. More than 0.
    /// </summary>
    public TimeSpan ClientConnectTimeout
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(3);

    /// <summary>How often the server page's connection table is refreshed: 500 ms.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The most events held for one server-page socket between two flushes; older ones are dropped (and counted)
    /// so a slow browser never makes the server buffer without bound: 2,000.
    /// </summary>
    public int EventBacklog { get; set; } = 2000;

    /// <summary>Where the server page, chat page and the listeners come from; null serves the client page only.</summary>
    public IConsoleServer? Server { get; set; }

    /// <summary>
    /// Called once the host listens, with the console as mounted and the addresses it listens on (without the token:
    /// <see cref="ConsoleMount.Urls"/> adds it, for a terminal; logs must not get it).
    /// </summary>
    public Action<ConsoleMount, IReadOnlyList<string>>? Started { get; set; }

    /// <summary>Whether <see cref="Host"/> is loopback.</summary>
    public bool IsLoopback => IsLoopbackHost(Host);

    /// <summary>Whether a host name or address is loopback (127.0.0.0/8, ::1 or localhost).</summary>
    public static bool IsLoopbackAddress(string host) => IsLoopbackHost(host);

    /// <summary>Whether a token is asked for: always, unless turned off on loopback and none was configured.</summary>
    public bool RequiresToken => RequireToken || !IsLoopback || !string.IsNullOrEmpty(Token);

    /// <summary>
    /// Checks what a user may have typed wrong, before anything is bound: the token turned off beyond loopback
    /// (<see cref="InvalidOperationException"/>), or a client target that does not parse (<see cref="FormatException"/>,
    /// naming the entry). Mounting the console does the same checks.
    /// </summary>
    public void Validate()
    {
        if (!RequireToken && !IsLoopback)
        {
            throw new InvalidOperationException($"the web console's token can be turned off only on loopback, not on {Host}");
        }

        _ = Client.TargetPolicy.Create(this);
    }

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
