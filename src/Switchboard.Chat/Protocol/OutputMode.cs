namespace Switchboard.Chat;

/// <summary>How the server writes to a session.</summary>
public enum OutputMode
{
    /// <summary>Human-readable lines, for nc and telnet.</summary>
    Text,

    /// <summary>One JSON object per line, for programs (entered with <c>/mode json</c>).</summary>
    Json,
}
