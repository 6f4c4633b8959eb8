namespace Switchboard.Cli.Commands.Chat;

/// <summary>What <c>switchboard chat</c> was asked to do.</summary>
internal sealed class ChatClientSettings
{
    /// <summary>The servers to try, in order: nodes of one cluster. When one is gone the client moves to the next (the library's ReconnectingClient does).</summary>
    public List<(string Host, int Port)> Servers = [("127.0.0.1", 8899)];

    public string? UnixPath;
    public string? Nick;
    public string Room = "lobby";
    public bool Tls;
    public string? CaFile;
    public bool Insecure;

    /// <summary>The connect timeout of each attempt; null keeps the library's (3 s).</summary>
    public TimeSpan? ConnectTimeout;

    /// <summary>First wait before reconnecting; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A <c>/ping</c> goes out after this long quiet in either direction (the server's idle timeout is 10 minutes);
    /// null sends none (<c>--heartbeat off</c>).
    /// </summary>
    public TimeSpan? HeartbeatInterval = DefaultHeartbeatInterval;

    /// <summary>A server that sends nothing for this long after a ping is taken as gone, and the client reconnects.</summary>
    public TimeSpan HeartbeatTimeout = DefaultHeartbeatTimeout;

    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(15);
}
