using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net;

/// <summary>Where and how a <see cref="SwitchboardListener"/> listens. Defaults are bounded and strict.</summary>
public sealed class ListenerOptions
{
    private ListenerOptions(EndPoint endPoint) => EndPoint = endPoint;

    /// <summary>Listens on TCP. Port 0 picks a free port; read it from <see cref="SwitchboardListener.BoundEndPoint"/>.</summary>
    public static ListenerOptions Tcp(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new ListenerOptions(new IPEndPoint(address, port));
    }

    /// <summary>Listens on 127.0.0.1: the safe default, reachable only from this machine.</summary>
    public static ListenerOptions Loopback(int port) => Tcp(IPAddress.Loopback, port);

    /// <summary>
    /// Listens on a Unix domain socket. A stale socket file is replaced; a live server's is refused, and so is a
    /// path holding anything but a socket (such a file is never deleted).
    /// </summary>
    public static ListenerOptions Unix(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new ListenerOptions(new UnixDomainSocketEndPoint(Path.GetFullPath(path)));
    }

    /// <summary>The endpoint asked for (port 0 stays 0 here).</summary>
    public EndPoint EndPoint { get; }

    /// <summary>The server certificate, with its private key; when set the listener speaks TLS.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Connections start in the clear even though <see cref="Certificate"/> is set: the handler upgrades one with
    /// <see cref="SwitchboardConnection.StartServerEncryptionAsync(CancellationToken)"/> after its STARTTLS line.
    /// Default: false (TLS from the first byte).
    /// </summary>
    public bool StartTls { get; set; }

    /// <summary>The lowest TLS version accepted: <see cref="TlsVersion.Tls12"/> by default.</summary>
    public TlsVersion MinimumTlsVersion { get; set; } = TlsVersion.Tls12;

    /// <summary>
    /// CA certificates that client certificates must chain to. When set, every TLS client must present a
    /// certificate issued under one of them, or the handshake fails; null (the default) asks for none. Load them
    /// with <see cref="LoadCertificateAuthorities"/>.
    /// </summary>
    public X509Certificate2Collection? ClientCertificateAuthorities { get; set; }

    /// <summary>
    /// The most connections open at once on this listener: 10,000 by default. Connections beyond it are closed
    /// at once, after <see cref="RejectMessage"/> if one is set.
    /// </summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>The default of <see cref="Backlog"/>: 512, as Kestrel's.</summary>
    public const int DefaultBacklog = 512;

    /// <summary>
    /// The listen backlog: how many connections the kernel queues, handshake done, before the listener accepts
    /// them (QTcpServer's maxPendingConnections). 512 by default, enough for bursts of connects while the accept
    /// loop catches up; the kernel caps it at net.core.somaxconn. Unlike <see cref="MaxConnections"/> it does not
    /// bound the connections open at once, only those waiting to be accepted.
    /// </summary>
    public int Backlog
    {
        get => _backlog;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _backlog = value;
        }
    }

    private int _backlog = DefaultBacklog;

    /// <summary>Bytes sent to a connection turned away by <see cref="MaxConnections"/>, such as "server full\n".</summary>
    public ReadOnlyMemory<byte> RejectMessage { get; set; }

    /// <summary>Options of each accepted connection.</summary>
    public ConnectionOptions Connection { get; set; } = new();

    /// <summary>How long a graceful shutdown waits for connections to finish before aborting them: 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Drains each connection's send buffer on the sending thread (the send call is made inside the send) instead
    /// of waking a drain loop on the thread pool. An echoed message then crosses no thread, which on a busy 2-core
    /// machine lowers CPU per message and latency (see docs/BENCHMARKS.md). Off by default: with many senders
    /// per connection (a chat room's fan-out) the pool's wake-up lets queued messages leave in one system call,
    /// and a sender never waits for a socket send. Together with the runtime's inline socket completions
    /// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) handlers run on the socket's I/O thread: then a
    /// handler that blocks stalls every connection sharing it.
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>
    /// How long a TLS client may take to complete its handshake before it is closed: 10 s, from the accept (or from
    /// the server's STARTTLS upgrade). Without a deadline a client that connects and sends nothing holds its socket forever.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most TLS handshakes in progress at once, on accept and after STARTTLS together: 256. Connections beyond it
    /// are closed at once, so a flood of clients that never finish their handshake cannot take every descriptor and the CPU.
    /// </summary>
    public int MaxPendingHandshakes { get; set; } = 256;

    /// <summary>The transport this listener gives its connections.</summary>
    public TransportKind TransportKind => EndPoint is UnixDomainSocketEndPoint ? TransportKind.Unix : Certificate is null || StartTls ? TransportKind.Tcp : TransportKind.Tls;

    /// <summary>Loads a certificate and its private key from PEM files (as written by <c>openssl req -x509</c>).</summary>
    public static X509Certificate2 LoadPemCertificate(string certificateFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        // SslStream on Linux needs the key in an exportable form; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Loads CA certificates from a PEM file (or a PKCS#12 bundle), for <see cref="ClientCertificateAuthorities"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file holds no certificate.</exception>
    public static X509Certificate2Collection LoadCertificateAuthorities(string file) => CertificateValidation.LoadCertificates(file);

    /// <summary>Loads a certificate with its private key from a PFX/PKCS#12 file.</summary>
    public static X509Certificate2 LoadPfxCertificate(string pfxFile, string? password)
        => X509CertificateLoader.LoadPkcs12FromFile(pfxFile, password);
}
