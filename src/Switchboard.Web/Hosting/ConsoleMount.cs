namespace Switchboard.Web;

/// <summary>The console as mounted: its options and the token in force (null when none is needed).</summary>
public sealed class ConsoleMount
{
    internal ConsoleMount(ConsoleOptions options, string? token)
    {
        Options = options;
        Token = token;
    }

    /// <summary>The options the console was mounted with.</summary>
    public ConsoleOptions Options { get; }

    /// <summary>The access token, or null when it was turned off (loopback only).</summary>
    public string? Token { get; }

    /// <summary>The file the generated token was written to (mode 600), or null when none was written.</summary>
    public string? TokenFile { get; internal set; }

    /// <summary>The addresses to open, with the token when one is needed.</summary>
    public IEnumerable<string> Urls(IEnumerable<string> baseUrls)
        => baseUrls.Select(u => Token is null ? u.TrimEnd('/') + "/" : $"{u.TrimEnd('/')}/?token={Uri.EscapeDataString(Token)}");
}
