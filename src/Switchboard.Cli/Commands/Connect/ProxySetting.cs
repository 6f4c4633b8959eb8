using Switchboard.Net;

namespace Switchboard.Cli.Commands.Connect;

/// <summary>What <c>--proxy</c> and <c>--no-proxy</c> ask for; the environment fills in when neither is given.</summary>
internal sealed record ProxySetting(string? Url, bool Disabled)
{
    /// <summary>Why <paramref name="url"/> is not a proxy URL, or null when it is.</summary>
    public static string? Check(string url)
    {
        try
        {
            ProxyOptions.Parse(url);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The proxy for a TCP connection to <paramref name="host"/>, or null to connect directly.</summary>
    /// <exception cref="FormatException">A proxy variable of the environment holds no proxy URL.</exception>
    public ProxyOptions? Resolve(string host) => Disabled ? null : Url is not null ? ProxyOptions.Parse(Url) : ProxyOptions.FromEnvironment(host);
}
