namespace Switchboard.Web.Tests.Browser;

/// <summary>
/// Page addresses as a user gets them: with the token in the query, which the console trades for a cookie at once
/// (so every browser test also shows that the printed URL logs in).
/// </summary>
internal static class ConsoleUrls
{
    public static string Page(this WebConsoleHost console, string path)
        => console.Mount.Token is { } token ? $"{console.BaseUrls[0]}{path}?token={Uri.EscapeDataString(token)}" : console.BaseUrls[0] + path;
}
