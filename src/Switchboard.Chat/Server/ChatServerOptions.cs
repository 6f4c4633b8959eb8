namespace Switchboard.Chat;

/// <summary>
/// Everything <see cref="ChatServer"/> can be told. Binds from the "Chat" configuration section. Every default is
/// bounded, and every listener listens on loopback unless told otherwise.
/// </summary>
public sealed class ChatServerOptions
{
    /// <summary>The default TCP port: 8899, as in the Qt network tutorials.</summary>
    public const int DefaultPort = 8899;

    /// <summary>The address the TCP and TLS listeners bind: 127.0.0.1, so only this machine can connect.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The plain TCP port; 0 picks a free one (see <see cref="ChatServer.Listeners"/>).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Whether the plain TCP listener runs. Default: true.</summary>
    public bool EnableTcp { get; set; } = true;

    /// <summary>A TLS port; null (the default) for no TLS listener. Needs <see cref="CertificateFile"/> and <see cref="KeyFile"/>.</summary>
    public int? TlsPort { get; set; }

    /// <summary>The PEM certificate of the TLS listener.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of the TLS listener.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// A PEM file of CA certificates: when set, the TLS listener requires every client to present a certificate
    /// issued under one of them. Null (the default) asks for none.
    /// </summary>
    public string? ClientCaFile { get; set; }

    /// <summary>The lowest TLS version the TLS listener accepts: "1.2" (the default when null) or "1.3".</summary>
    public string? TlsMinVersion { get; set; }

    /// <summary>Reads <see cref="TlsMinVersion"/>.</summary>
    /// <exception cref="InvalidOperationException">It is neither 1.2 nor 1.3.</exception>
    public Switchboard.Net.TlsVersion ParseTlsMinVersion() => string.IsNullOrWhiteSpace(TlsMinVersion) ? Switchboard.Net.TlsVersion.Tls12
        : Switchboard.Net.TlsVersions.TryParse(TlsMinVersion, out var version) ? version
        : throw new InvalidOperationException($"Chat:TlsMinVersion must be 1.2 or 1.3, not \"{TlsMinVersion}\"");

    /// <summary>A Unix socket path to listen on as well; null (the default) for none.</summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>Where the SQLite database (chat.db) lives. Default: <see cref="DefaultDataDirectory"/>.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>The secret of <c>/oper</c>; null or empty turns operators off.</summary>
    public string? OperatorSecret { get; set; }

    /// <summary>
    /// A file holding the secret of <c>/oper</c> (its first line's trailing newline is ignored); wins over
    /// <see cref="OperatorSecret"/>, and keeps the secret out of <c>ps</c> and the environment. Only its SHA-256
    /// hash is kept in memory.
    /// </summary>
    public string? OperatorSecretFile { get; set; }

    /// <summary>The most rooms this node keeps at once, the lobby included: 1,000. Joining a new room past it gets <c>ERR too-many-rooms</c>; existing rooms can always be joined.</summary>
    public int MaxRooms { get; set; } = 1000;

    /// <summary>New rooms one IP address (an IPv6 /64) may create per minute: 10. Past it, <c>ERR room-rate</c>; existing rooms can always be joined.</summary>
    public int MaxRoomsPerAddressPerMinute { get; set; } = 10;

    /// <summary>
    /// The longest input line in bytes: 8 KiB. A longer line (or bytes that never end in LF) gets an error and the
    /// connection is closed, because the line framing is lost.
    /// </summary>
    public int MaxLineLength { get; set; } = 8 * 1024;

    /// <summary>Lines per second a connection may send, sustained: 25. Lines beyond it are dropped with an error.</summary>
    public double RateLimitPerSecond { get; set; } = 25;

    /// <summary>Lines a connection may send in one burst: 50.</summary>
    public int RateLimitBurst { get; set; } = 50;

    /// <summary>
    /// Bytes one nick may have stored (said, acted, sent privately; from a chat connection or the web page) per
    /// minute: 256 KiB. Each message counts its text's UTF-8 bytes plus 64 for its row; the allowance refills
    /// continuously, so a minute's worth may go at once. Past it, <c>ERR quota</c> and the line is neither stored nor
    /// delivered. Look-alike nicks share one allowance. 0 turns it off.
    /// </summary>
    public int StorageQuotaPerNick { get; set; } = 256 * 1024;

    /// <summary>
    /// Bytes one IP address (an IPv6 /64) may have stored per minute, over all its nicks: 1 MiB, so changing nick or
    /// opening more connections does not buy more. Unix-socket clients and web posts count per nick only. Counted
    /// per node. 0 turns it off.
    /// </summary>
    public int StorageQuotaPerAddress { get; set; } = 1024 * 1024;

    /// <summary>Dropped lines in a row after which a flooding connection is closed: 100.</summary>
    public int FloodDisconnectAfter { get; set; } = 100;

    /// <summary>Invalid lines (bad UTF-8, NUL bytes) after which a connection is closed: 10.</summary>
    public int MaxInvalidLines { get; set; } = 10;

    /// <summary>The most connections at once, in total over all listeners: 10,000.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>The most connections at once from one IP address, across listeners: 64. Unix sockets are not counted.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>A connection that sends nothing for this long is told and closed: 10 minutes. Clients can send <c>/ping</c>.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A line (the first one included) must be finished, its newline received, this long after its first byte
    /// arrived: 30 s. Otherwise the client is told <c>ERR line-timeout</c> and closed, so a peer trickling bytes
    /// without a newline cannot hold a connection. A connection that sends nothing is left to <see cref="IdleTimeout"/>.
    /// </summary>
    public TimeSpan LineTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Output queued for one connection beyond which a reply to its own command (<c>/history</c>, a join replay,
    /// <c>/who</c>) waits for it to read: 1 MiB (see <see cref="ReplyTimeout"/>). Messages from others never wait;
    /// they follow the slow-consumer limits <see cref="SoftLimit"/> and <see cref="HardLimit"/>.
    /// </summary>
    public int MaxOutboundBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Slow consumers, soft limit: 8 MiB, as <c>switchboard listen --soft-limit</c>. A connection whose queued output
    /// stays at or past it for <see cref="SoftLimitTime"/> is dropped as not reading, so a reader that lags during a
    /// burst (a paste, a busy machine) is kept and one that does not read is not. What all connections queue
    /// together is bounded by <see cref="MaxOutboundTotal"/>, whatever these allow each.
    /// </summary>
    public int SoftLimit { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long a connection may stay past <see cref="SoftLimit"/> before it is dropped: 10 s.</summary>
    public TimeSpan SoftLimitTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Slow consumers, hard limit: 32 MiB, as <c>switchboard listen --hard-limit</c>. A connection with this much
    /// queued is dropped at once; it bounds what one connection can cost. At least <see cref="SoftLimit"/>.
    /// </summary>
    public int HardLimit { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Output queued for all connections together beyond which the worst offenders (connections whose output has
    /// stopped leaving for a second, largest queue first) are dropped until the total is back under three quarters
    /// of it: 256 MiB. A connection still draining is dropped for it only past twice this. Without it,
    /// <see cref="MaxConnections"/> clients that never read could hold <see cref="HardLimit"/> each (320 GiB with
    /// the defaults). 0 turns it off.
    /// </summary>
    public long MaxOutboundTotal { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// A connection with less than this queued is never dropped for <see cref="MaxOutboundTotal"/>: 64 KiB, so a
    /// reader that keeps up (whose queue empties as fast as it fills) never pays for the ones that do not.
    /// </summary>
    public int OutboundBudgetFloor { get; set; } = 64 * 1024;

    /// <summary>
    /// How long a reply to a client's own command (a long /history, a join replay) may wait for the client to read
    /// before it is dropped as not reading: 30 s. Only that client's handler ever waits.
    /// </summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Rooms with more members than this announce joins and parts to the joiner only: 200. Below it every member
    /// sees "*** nick joined #room"; above it a join costs one line instead of one per member (5,000 joins would
    /// otherwise send every member 117 KiB of notices). <c>/who</c> lists the members either way.
    /// </summary>
    public int JoinNoticeLimit { get; set; } = 200;

    /// <summary>How many recent messages joining a room replays: 20.</summary>
    public int JoinReplayCount { get; set; } = 20;

    /// <summary>The most messages <c>/history N</c> returns: 10,000.</summary>
    public int MaxHistory { get; set; } = 10_000;

    /// <summary>
    /// A PostgreSQL connection string (Npgsql keyword form: <c>Host=127.0.0.1;Port=5432;Username=chat;Database=chat</c>).
    /// When set, the node keeps messages, topics, bans and presence there and shares them with every other node on the
    /// same database; <see cref="DataDirectory"/> is not used. Null (the default): SQLite in <see cref="DataDirectory"/>.
    /// A password is best given in the environment (PGPASSWORD); it is never printed.
    /// </summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// Checks a PostgreSQL connection string without connecting: null when it parses, otherwise what is wrong
    /// (never echoing a password). Null or empty is fine: it means SQLite.
    /// </summary>
    public static string? CheckPostgres(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrEmpty(builder.Host) ? "the connection string names no Host (e.g. \"Host=127.0.0.1;Username=chat;Database=chat\")" : null;
        }
        catch (ArgumentException ex)
        {
            return $"not a valid connection string ({ex.Message})";
        }
    }

    /// <summary>
    /// How long messages are kept: "30d", "12h", "90m", "45s", or a TimeSpan ("7.00:00:00"). Null or empty (the
    /// default) keeps everything. Older messages are deleted at start and then periodically, on every store.
    /// </summary>
    public string? HistoryRetention { get; set; }

    /// <summary>Reads <see cref="HistoryRetention"/>: null to keep everything.</summary>
    /// <exception cref="InvalidOperationException">It is not a positive duration.</exception>
    public TimeSpan? ParseHistoryRetention()
    {
        var text = HistoryRetention?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text == "keep")
        {
            return null;
        }

        var (number, unit) = text[^1] switch
        {
            'd' => (text[..^1], TimeSpan.FromDays(1)),
            'h' => (text[..^1], TimeSpan.FromHours(1)),
            'm' => (text[..^1], TimeSpan.FromMinutes(1)),
            's' => (text[..^1], TimeSpan.FromSeconds(1)),
            _ => (null, TimeSpan.Zero),
        };
        if (number is not null && double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount > 0 && amount < 100_000)
        {
            return unit * amount;
        }

        if (number is null && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        throw new InvalidOperationException($"Chat:HistoryRetention \"{HistoryRetention}\" is not a duration (examples: 30d, 12h, 90m; empty keeps everything)");
    }

    /// <summary>This node's name in a cluster, unique among the nodes on one database. Default: host name, process id and a random suffix.</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";

    /// <summary>
    /// How long a node may stay silent before the others drop its users and free their nicks: 15 s. Each node
    /// heartbeats at a third of it. Used with <see cref="Postgres"/> only.
    /// </summary>
    public TimeSpan PresenceTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether commits are fsynced (<see cref="StoreDurability.Full"/>, the default).</summary>
    public StoreDurability Durability { get; set; } = StoreDurability.Full;

    /// <summary>Messages that may wait for the commit writer: 8192. Beyond it senders wait (memory stays bounded).</summary>
    public int StoreQueueCapacity { get; set; } = 8192;

    /// <summary>How long shutdown waits for connections to close before aborting them: 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>$XDG_DATA_HOME/switchboard, else ~/.local/share/switchboard (the local application data folder on Windows).</summary>
    public static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return Path.Combine(xdg, "switchboard");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "switchboard");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "switchboard");
    }
}
