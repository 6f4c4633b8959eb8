namespace Switchboard.Net;

/// <summary>Reads a received TLS alert out of what SslStream throws, once, where the stream's errors are translated.</summary>
internal static class TlsAlerts
{
    // OpenSSL (under SslStream on Linux) reports a received alert as an error of its SSL library whose reason is
    // 1000 + the alert's code (SSL_AD_REASON_OFFSET); the runtime puts that error code in the inner exception's
    // HResult. The library number sits above bit 23 (OpenSSL 3) or bit 24 (1.1).
    private const int SslLibrary = 20;
    private const int ReasonOffset = 1000;

    /// <summary>The alert the peer sent, if <paramref name="error"/> (or an inner exception) is one.</summary>
    public static int? Received(Exception error)
    {
        for (var current = error; current is not null; current = current.InnerException)
        {
            if (current is TlsAlertException alert)
            {
                return alert.Alert;
            }

            var code = current.HResult;
            int library, reason;
            if ((code >> 23) == SslLibrary)
            {
                (library, reason) = (SslLibrary, code & 0x7FFFFF);
            }
            else
            {
                (library, reason) = ((code >> 24) & 0xFF, code & 0xFFF);
            }

            if (library == SslLibrary && reason is > ReasonOffset and < ReasonOffset + 256)
            {
                return reason - ReasonOffset;
            }
        }

        return null;
    }

    public static bool RejectsCertificate(int alert) => alert is 42 or 43 or 44 or 45 or 46 or 48 or 116;

    public static string Name(int alert) => alert switch
    {
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => $"alert {alert}",
    };

    /// <summary>What a client tells its user when the server turned down its certificate (or its lack of one).</summary>
    public static string DescribeRejection(int? alert, bool presentedCertificate)
    {
        var how = alert is { } code ? $"TLS alert {Name(code)}" : "it closed the connection right after the handshake without sending anything";
        return presentedCertificate
            ? $"the server rejected our client certificate ({how})"
            : $"the server requires a client certificate ({how})";
    }
}
