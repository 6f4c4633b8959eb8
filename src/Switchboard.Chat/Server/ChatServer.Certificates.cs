using System.Security.Cryptography.X509Certificates;
using Switchboard.Net;

namespace Switchboard.Chat;

// A renewed certificate without a restart: what a daemon does on SIGHUP.
public sealed partial class ChatServer
{
    /// <summary>
    /// Reads <see cref="ChatServerOptions.CertificateFile"/> and <see cref="ChatServerOptions.KeyFile"/> again and
    /// presents that certificate in the TLS handshakes that start from now on; sessions already open keep theirs.
    /// When the files cannot be read nothing changes and the error is thrown.
    /// </summary>
    /// <returns>The certificate now presented, or null when the server has no TLS listener.</returns>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The files hold no usable certificate and key.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public X509Certificate2? ReloadCertificate()
    {
        if (Volatile.Read(ref _state) != 1)
        {
            throw new InvalidOperationException("the chat server is not running");
        }

        List<SwitchboardListener> tls;
        lock (_listeners)
        {
            tls = _listeners.Where(l => l.Options.Certificate is not null).ToList();
        }

        if (tls.Count == 0 || Options.CertificateFile is null || Options.KeyFile is null)
        {
            return null;
        }

        // Loaded completely before any listener is touched: a half-written file leaves the old certificate in place.
        var certificate = ListenerOptions.LoadPemCertificate(Options.CertificateFile, Options.KeyFile);
        foreach (var listener in tls)
        {
            listener.ReplaceCertificate(certificate);
        }

        return certificate;
    }
}
