using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net;

/// <summary>
/// The server side of a TLS handshake, on accept or in the middle of a connection (STARTTLS): the certificate, the
/// version floor and, when the listener has client CAs, a client certificate that must chain to one of them.
/// </summary>
internal static class ServerTlsHandshake
{
    /// <exception cref="AuthenticationException">The handshake failed; the message says why (a rejected client certificate in words).</exception>
    public static async Task<SslStream> AuthenticateAsync(Stream stream, X509Certificate2 certificate, ListenerOptions listener, CancellationToken cancellationToken)
    {
        var authorities = listener.ClientCertificateAuthorities;
        string? failure = null;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = TlsVersions.Enabled(listener.MinimumTlsVersion),
            ClientCertificateRequired = authorities is not null,
        };
        if (authorities is not null)
        {
            options.RemoteCertificateValidationCallback = (_, presented, chain, _) =>
            {
                var found = CertificateValidation.ValidateClient(presented, chain, authorities);
                failure = found.Count > 0 ? CertificateValidation.Describe(found) : null;
                return failure is null;
            };
        }

        try
        {
            await ssl.AuthenticateAsServerAsync(options, cancellationToken);
            return ssl;
        }
        catch (Exception ex) when (failure is not null && ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw new ClientCertificateRefusedException(failure, ex);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A listener with client CAs turned down a client's certificate (or its lack of one); the message says why.</summary>
internal sealed class ClientCertificateRefusedException(string message, Exception inner) : AuthenticationException(message, inner);
