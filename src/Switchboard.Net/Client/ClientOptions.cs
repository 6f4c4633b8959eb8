namespace Switchboard.Net;

/// <summary>How a client connects.</summary>
public sealed class ClientOptions : ConnectionOptions
{
    /// <summary>How long host lookup, the TCP connect and the TLS handshake may take together: 3 s, as the Qt client.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>TLS settings; null for plain TCP.</summary>
    public ClientTlsOptions? Tls { get; set; }

    /// <summary>
    /// A SOCKS5 or HTTP CONNECT proxy for TCP connections; null (the default) connects directly. The library
    /// reads no environment variables itself: <see cref="ProxyOptions.FromEnvironment(string)"/> does, on request.
    /// </summary>
    public ProxyOptions? Proxy { get; set; }

    /// <summary>
    /// How a <see cref="ReconnectingClient"/> reconnects (backoff, give-up count) and whether it sends heartbeats;
    /// null (the default) means the defaults of <see cref="ReconnectOptions"/>. A single connection never reconnects.
    /// </summary>
    public ReconnectOptions? Reconnect { get; set; }
}

/// <summary>TLS settings of a client. The default validates the server against the system's trusted roots.</summary>
public sealed class ClientTlsOptions
{
    /// <summary>The name the certificate must match and the SNI sent; defaults to the host connected to.</summary>
    public string? ServerName { get; set; }

    /// <summary>A PEM file of CA certificates to trust instead of the system store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Accepts any certificate. Never the default; for testing against self-signed servers only.</summary>
    public bool Insecure { get; set; }

    /// <summary>
    /// Sees the server certificate's validation errors and may accept specific ones (QSslSocket's sslErrors and
    /// ignoreSslErrors(list)); null (the default) accepts none. See <see cref="TlsCertificateErrorHandler"/>.
    /// </summary>
    public TlsCertificateErrorHandler? CertificateErrors { get; set; }

    /// <summary>The lowest TLS version offered: <see cref="TlsVersion.Tls12"/> by default.</summary>
    public TlsVersion MinimumVersion { get; set; } = TlsVersion.Tls12;

    /// <summary>
    /// A client certificate, with its private key, presented when the server asks for one; null (the default)
    /// presents none. Load one with <see cref="ListenerOptions.LoadPemCertificate"/>.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; set; }
}
