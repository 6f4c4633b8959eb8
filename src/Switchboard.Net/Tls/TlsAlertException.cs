namespace Switchboard.Net;

/// <summary>
/// The peer ended the TLS session with a fatal alert. With TLS 1.3 a server checks the client's certificate after
/// the client has finished its handshake, so a rejected client certificate arrives this way, on the first read.
/// </summary>
public sealed class TlsAlertException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TlsAlertException(int alert, string message, Exception? inner = null)
        : base(message, inner) => Alert = alert;

    /// <summary>The alert's code (RFC 8446 section 6): 42 bad_certificate, 48 unknown_ca, 116 certificate_required, ...</summary>
    public int Alert { get; }

    /// <summary>The alert's name, as in the RFC ("unknown_ca").</summary>
    public string AlertName => TlsAlerts.Name(Alert);

    /// <summary>Whether the alert rejects a certificate (bad, unsupported, revoked, expired, unknown CA, required).</summary>
    public bool RejectsCertificate => TlsAlerts.RejectsCertificate(Alert);
}
