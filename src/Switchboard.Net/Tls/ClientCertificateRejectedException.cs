namespace Switchboard.Net;

/// <summary>
/// The server turned down our client certificate, or our lack of one. With TLS 1.3 the server judges the client's
/// certificate after the client's handshake has completed, so this comes from the first read, not from the connect:
/// either as a TLS alert (<see cref="Alert"/>), or, from servers that send none (SslStream servers on Linux before
/// .NET 11), as a close before any byte right after a handshake in which the server asked for a certificate.
/// </summary>
public sealed class ClientCertificateRejectedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ClientCertificateRejectedException(string message, int? alert, Exception? inner = null)
        : base(message, inner) => Alert = alert;

    /// <summary>The TLS alert the server sent (42 bad_certificate, 48 unknown_ca, 116 certificate_required, ...); null when it just closed.</summary>
    public int? Alert { get; }
}
