namespace Switchboard.Cli.Commands.Chat;

/// <summary>What <c>switchboard chat</c> was asked to do.</summary>
internal sealed class ChatClientSettings
{
    /// <summary>The servers to try, in order: nodes of one cluster. When one is gone the client moves to the next.</summary>
    public List<(string Host, int Port)> Servers = [("127.0.0.1", 8899)];

    /// <summary>The index in <see cref="Servers"/> of the server in use.</summary>
    public int Current;
    public string? UnixPath;
    public string? Nick;
    public string Room = "lobby";
    public bool Tls;
    public string? CaFile;
    public bool Insecure;

    /// <summary>First wait before reconnecting; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public string Host => Servers[Current].Host;

    public int Port => Servers[Current].Port;

    public string Target => UnixPath is not null ? $"unix:{UnixPath}" : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Moves to the next server; true when that wrapped around to the first (every server was tried).</summary>
    public bool Next()
    {
        Current = (Current + 1) % Servers.Count;
        return Current == 0;
    }
}
