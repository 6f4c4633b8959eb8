using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net;

/// <summary>The server side of a STARTTLS upgrade, provided by the listener that accepted the connection.</summary>
internal delegate Task<SslStream> ServerTlsUpgrade(Stream stream, string peer, CancellationToken cancellationToken);

// TLS in the middle of a connection (QSslSocket's startClientEncryption / startServerEncryption), and what the
// session negotiated.
public sealed partial class SwitchboardConnection
{
    // The host connected to: the name a client's STARTTLS checks the certificate against by default.
    private string? _serverName;
    private int _upgrading;

    /// <summary>Set by a listener with <see cref="ListenerOptions.StartTls"/>: its certificate and policy.</summary>
    internal ServerTlsUpgrade? ServerHandshake { get; set; }

    /// <summary>The peer's certificate once TLS is up: the server's on a client, the client's (if it sent one) on a server.</summary>
    public X509Certificate2? RemoteCertificate => _transport?.Tls?.RemoteCertificate as X509Certificate2;

    /// <summary>The TLS version negotiated, once TLS is up; null on a plain connection.</summary>
    public SslProtocols? TlsProtocol => _transport?.Tls?.SslProtocol;

    /// <summary>
    /// Upgrades a plain TCP connection to TLS as its client, after the application protocol agreed to it (an SMTP
    /// server's "220 Ready to start TLS" to our STARTTLS). What was sent before this call leaves in the clear first;
    /// sends made while the handshake runs wait and leave encrypted. Anything received after the server's reply
    /// and not yet read is handed to the handshake, never read as if it had arrived encrypted.
    /// </summary>
    /// <param name="tls">Certificate checks, version floor and client certificate, as for a TLS connect.</param>
    /// <param name="cancellationToken">Cancels the handshake (the connection is then aborted).</param>
    /// <exception cref="ConnectException">The handshake failed (<see cref="ConnectError.TlsFailure"/>); the connection is aborted.</exception>
    /// <exception cref="InvalidOperationException">The connection is not plain TCP, or a read of <see cref="Input"/> is in progress.</exception>
    public Task StartClientEncryptionAsync(ClientTlsOptions tls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var host = tls.ServerName ?? _serverName ?? throw new InvalidOperationException("set ClientTlsOptions.ServerName: this connection has no host name to check the certificate against");
        return UpgradeAsync((stream, token) => ClientTlsHandshake.AuthenticateAsync(stream, host, tls, token), cancellationToken);
    }

    /// <summary>
    /// Upgrades a plain TCP connection to TLS as its server, after the STARTTLS exchange (reply first, then call
    /// this). The connection must have been accepted by a listener with a <see cref="ListenerOptions.Certificate"/>
    /// and <see cref="ListenerOptions.StartTls"/>; its certificate, version floor, client CAs and handshake timeout
    /// apply. Bytes the client sent right after its STARTTLS line are read as the start of the handshake, so
    /// plaintext injected there fails the handshake instead of being taken for encrypted input.
    /// </summary>
    /// <param name="cancellationToken">Cancels the handshake (the connection is then aborted).</param>
    /// <exception cref="AuthenticationException">The handshake failed (the message says why); the connection is aborted.</exception>
    /// <exception cref="InvalidOperationException">The listener has no certificate or no STARTTLS, or the connection is not plain TCP.</exception>
    public Task StartServerEncryptionAsync(CancellationToken cancellationToken = default)
    {
        var handshake = ServerHandshake ?? throw new InvalidOperationException("this connection has no certificate to start TLS with: accept it on a listener with a Certificate and StartTls");
        return UpgradeAsync((stream, token) => handshake(stream, ToString(), token), cancellationToken);
    }

    private async Task UpgradeAsync(Func<Stream, CancellationToken, Task<SslStream>> handshake, CancellationToken cancellationToken)
    {
        var transport = _transport ?? throw new InvalidOperationException("the connection is not connected");
        if (TransportKind != TransportKind.Tcp)
        {
            throw new InvalidOperationException(TransportKind == TransportKind.Tls ? "the connection is already encrypted" : "STARTTLS is for TCP connections");
        }

        if (Interlocked.Exchange(ref _upgrading, 1) != 0)
        {
            throw new InvalidOperationException("TLS is already being started on this connection");
        }

        try
        {
            // The reply that agreed to STARTTLS must be on the wire, in the clear, before the first handshake byte.
            await _outbound!.WhenSentAsync(cancellationToken);
            var early = _input!.TakeBuffered();
            await transport.UpgradeAsync(early, handshake, cancellationToken);
            _input.Replace(transport.Input);
            TransportKind = TransportKind.Tls;
            RaiseEncrypted();
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            // Half a handshake leaves nothing usable on the wire: the connection ends here.
            Abort($"TLS handshake failed: {ex.Message}");
            throw;
        }
        finally
        {
            Volatile.Write(ref _upgrading, 0);
        }
    }
}
