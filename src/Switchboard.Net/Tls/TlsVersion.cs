using System.Security.Authentication;

namespace Switchboard.Net;

/// <summary>The lowest TLS version a client or a listener agrees to speak.</summary>
public enum TlsVersion
{
    /// <summary>TLS 1.2 or 1.3: the default floor. Older versions are broken and never offered.</summary>
    Tls12,

    /// <summary>TLS 1.3 only.</summary>
    Tls13,
}

/// <summary>Conversions of <see cref="TlsVersion"/>.</summary>
public static class TlsVersions
{
    /// <summary>Reads "1.2" or "1.3" (also "tls1.2", "TLSv1.3"); false for anything else.</summary>
    public static bool TryParse(string? text, out TlsVersion version)
    {
        var normalized = (text ?? "").Trim().ToLowerInvariant().Replace("tlsv", "", StringComparison.Ordinal).Replace("tls", "", StringComparison.Ordinal);
        (var ok, version) = normalized switch
        {
            "1.2" or "12" => (true, TlsVersion.Tls12),
            "1.3" or "13" => (true, TlsVersion.Tls13),
            _ => (false, TlsVersion.Tls12),
        };
        return ok;
    }

    /// <summary>"1.2" or "1.3".</summary>
    public static string Describe(TlsVersion version) => version == TlsVersion.Tls13 ? "1.3" : "1.2";

    /// <summary>The protocols to enable for a floor: the floor and everything newer.</summary>
    internal static SslProtocols Enabled(TlsVersion minimum) => minimum == TlsVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
}
