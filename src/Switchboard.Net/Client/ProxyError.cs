namespace Switchboard.Net;

/// <summary>The connect failures a proxy causes, worded once for both proxy kinds.</summary>
internal static class ProxyError
{
    public static ConnectException Authentication(ProxyOptions proxy, string reason)
        => new(ConnectError.ProxyAuthenticationFailed, $"proxy {proxy}: {reason}");

    public static ConnectException Refused(ProxyOptions proxy, string reason)
        => new(ConnectError.ProxyRefused, $"proxy {proxy} did not open the tunnel: {reason}");

    public static ConnectException Closed(ProxyOptions proxy, Exception inner)
        => new(ConnectError.ProxyRefused, $"proxy {proxy} closed the connection during its handshake", inner);
}
