using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net;

/// <summary>
/// The client side of a TLS handshake, at connect or in the middle of a connection (STARTTLS): the version floor,
/// the client certificate, and the server certificate's errors offered to <see cref="ClientTlsOptions.CertificateErrors"/>.
/// </summary>
internal static class ClientTlsHandshake
{
    /// <returns>The session; <see cref="ClientSslStream.CertificateRequested"/> says whether the server asked for a certificate.</returns>
    /// <exception cref="ConnectException">The handshake failed (<see cref="ConnectError.TlsFailure"/>), with the reason.</exception>
    public static async Task<SslStream> AuthenticateAsync(Stream stream, string host, ClientTlsOptions tls, CancellationToken cancellationToken)
    {
        var serverName = tls.ServerName ?? host.Trim('[', ']');
        string? failure = null;
        var ssl = new ClientSslStream(stream);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = TlsVersions.Enabled(tls.MinimumVersion),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (tls.Insecure)
                {
                    return true;
                }

                var found = CertificateValidation.Validate(certificate, chain, errors, tls.CaFile, serverName);
                if (found.Count > 0 && tls.CertificateErrors is { } handler && certificate is not null)
                {
                    using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    var ignored = handler(presented, found.AsReadOnly())?.Select(e => e.Kind).ToHashSet() ?? [];
                    found.RemoveAll(e => ignored.Contains(e.Kind));
                }

                failure = found.Count > 0 ? CertificateValidation.Describe(found) : null;
                return failure is null;
            },
        };
        // Called once before the handshake (no server certificate yet) and again when the server asks for a client
        // certificate: that second call is how a later silent close can be told apart from an ordinary one.
        options.LocalCertificateSelectionCallback = (_, _, _, remote, _) =>
        {
            ssl.CertificateRequested |= remote is not null;
            return tls.ClientCertificate!;
        };

        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            return ssl;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            var reason = failure is not null ? $"server certificate rejected: {failure}"
                : TlsAlerts.Received(ex) is { } alert && TlsAlerts.RejectsCertificate(alert) ? TlsAlerts.DescribeRejection(alert, tls.ClientCertificate is not null)
                : TlsAlerts.Received(ex) is { } other ? $"TLS handshake failed: the server sent alert {TlsAlerts.Name(other)}"
                : $"TLS handshake failed: {ex.Message}";
            throw new ConnectException(ConnectError.TlsFailure, reason, ex);
        }
    }
}

/// <summary>A client's TLS stream that remembers whether the server asked for a client certificate.</summary>
internal sealed class ClientSslStream(Stream inner) : SslStream(inner, leaveInnerStreamOpen: false)
{
    public bool CertificateRequested { get; set; }

    /// <summary>Whether we sent a certificate of our own in the handshake.</summary>
    public bool PresentedCertificate => LocalCertificate is not null;
}
