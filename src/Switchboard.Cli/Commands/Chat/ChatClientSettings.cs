namespace Switchboard.Cli.Commands.Chat;

/// <summary>What <c>switchboard chat</c> was asked to do.</summary>
internal sealed class ChatClientSettings
{
    public string Host = "127.0.0.1";
    public int Port = 8899;
    public string? UnixPath;
    public string? Nick;
    public string Room = "lobby";
    public bool Tls;
    public string? CaFile;
    public bool Insecure;

    /// <summary>First wait before reconnecting; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public string Target => UnixPath is not null ? $"unix:{UnixPath}" : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
