using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Switchboard.Net.Framing;
using Switchboard.Net.Tests.Transport;

namespace Switchboard.Net.Tests.Tls;

/// <summary>
/// The TLS policy of both sides: certificate errors offered to a callback that may accept specific ones, the
/// version floor, and client certificates required by a listener.
/// </summary>
public sealed class TlsPolicyTests
{
    [Fact]
    public async Task A_self_signed_server_is_refused_unless_the_error_callback_ignores_exactly_its_error()
    {
        await using var listener = await StartTlsListenerAsync(TestCertificates.Server);
        var offered = new List<TlsCertificateError>();

        // Ignoring an error the certificate does not have changes nothing.
        var refused = await Assert.ThrowsAsync<ConnectException>(() => ConnectAsync(listener, new ClientTlsOptions
        {
            CertificateErrors = (_, errors) =>
            {
                offered.AddRange(errors);
                return [new TlsCertificateError(TlsCertificateErrorKind.NameMismatch, "")];
            },
        }));
        Assert.Equal(ConnectError.TlsFailure, refused.Error);
        Assert.Contains("not trusted", refused.Message);
        Assert.Equal([TlsCertificateErrorKind.UntrustedRoot], offered.Select(e => e.Kind));

        // Ignoring the one it has (as ignoreSslErrors(list) does) lets the handshake through.
        await using var accepted = await ConnectAsync(listener, new ClientTlsOptions
        {
            CertificateErrors = (certificate, errors) =>
            {
                Assert.Equal(TestCertificates.Server.Thumbprint, certificate.Thumbprint);
                return errors.Where(e => e.Kind == TlsCertificateErrorKind.UntrustedRoot);
            },
        });
        Assert.Equal("hello", await ReadLineAsync(accepted));
    }

    [Fact]
    public async Task A_name_mismatch_is_its_own_error_and_ignoring_the_chain_alone_does_not_excuse_it()
    {
        await using var listener = await StartTlsListenerAsync(TestCertificates.Server);
        IReadOnlyList<TlsCertificateError>? offered = null;
        var error = await Assert.ThrowsAsync<ConnectException>(() => ConnectAsync(listener, new ClientTlsOptions
        {
            ServerName = "wrong.example",
            CaFile = TestCertificates.ServerPemPath,
            CertificateErrors = (_, errors) =>
            {
                offered = errors;
                return errors.Where(e => e.Kind == TlsCertificateErrorKind.UntrustedRoot);
            },
        }));
        Assert.Contains("does not match the name 'wrong.example'", error.Message);
        Assert.Equal([TlsCertificateErrorKind.NameMismatch], offered!.Select(e => e.Kind));
    }

    [Fact]
    public async Task A_listener_with_a_tls_1_3_floor_refuses_a_tls_1_2_client()
    {
        await using var listener = await StartTlsListenerAsync(TestCertificates.Server, o => o.MinimumTlsVersion = TlsVersion.Tls13);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, StartTlsTests.Port(listener), TestTimeout.Token());
        await using var ssl = new SslStream(tcp.GetStream());
        await Assert.ThrowsAnyAsync<Exception>(() => ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls12,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, TestTimeout.Token()));

        // The same listener takes a TLS 1.3 client, and our client with a 1.3 floor negotiates 1.3.
        await using var modern = await ConnectAsync(listener, new ClientTlsOptions { CaFile = TestCertificates.ServerPemPath, MinimumVersion = TlsVersion.Tls13 });
        Assert.Equal(SslProtocols.Tls13, modern.TlsProtocol);
    }

    [Fact]
    public async Task A_listener_with_client_cas_serves_a_client_certificate_they_issued_and_sees_who_it_is()
    {
        using var pki = new TestPki();
        var subject = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await StartTlsListenerAsync(pki.Server(), o => o.ClientCertificateAuthorities = pki.Authorities, connection => subject.TrySetResult(connection.RemoteCertificate?.Subject));
        await using var client = await ConnectAsync(listener, new ClientTlsOptions { CaFile = pki.CaPemPath, ClientCertificate = pki.Client("CN=alice") });
        Assert.Equal("hello", await ReadLineAsync(client));
        Assert.Equal("CN=alice", await subject.Task.Within());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_without_an_acceptable_certificate_learns_it_was_rejected_after_a_tls_1_3_handshake(bool presentsForeignCertificate)
    {
        using var pki = new TestPki();
        using var other = new TestPki("Some Other CA");
        var served = 0;
        await using var listener = await StartTlsListenerAsync(pki.Server(), o => o.ClientCertificateAuthorities = pki.Authorities, _ => Interlocked.Increment(ref served));
        var tls = new ClientTlsOptions
        {
            CaFile = pki.CaPemPath,
            MinimumVersion = TlsVersion.Tls13,
            ClientCertificate = presentsForeignCertificate ? other.Client("CN=mallory") : null,
        };

        // With TLS 1.3 the client's handshake completes before the server has judged its certificate; the verdict
        // is an alert that the first read meets (or, if it comes early enough, the handshake itself).
        string message;
        try
        {
            await using var client = await ConnectAsync(listener, tls);
            var error = await Assert.ThrowsAsync<ClientCertificateRejectedException>(() => ReadLineAsync(client));
            message = error.Message;
        }
        catch (ConnectException ex) when (ex.Error == ConnectError.TlsFailure)
        {
            message = ex.Message;
        }

        Assert.Contains(presentsForeignCertificate ? "the server rejected our client certificate" : "the server requires a client certificate", message);
        Assert.Equal(0, Volatile.Read(ref served));
    }

    [Fact]
    public async Task A_server_that_asks_for_no_certificate_and_closes_without_a_word_is_an_ordinary_end_of_stream()
    {
        // The other side of the rule above: only a server that asked for a certificate is suspected.
        using var pki = new TestPki();
        var options = ListenerOptions.Loopback(0);
        options.Certificate = pki.Server();
        await using var listener = await SwitchboardListener.StartAsync(options, (_, _) => Task.CompletedTask);
        await using var client = await ConnectAsync(listener, new ClientTlsOptions { CaFile = pki.CaPemPath, MinimumVersion = TlsVersion.Tls13, ClientCertificate = pki.Client() });
        Assert.Null(await ReadLineAsync(client));
    }

    private static async Task<SwitchboardListener> StartTlsListenerAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Action<ListenerOptions>? configure = null, Action<SwitchboardConnection>? served = null)
    {
        var options = ListenerOptions.Loopback(0);
        options.Certificate = certificate;
        configure?.Invoke(options);
        return await SwitchboardListener.StartAsync(options, async (connection, ct) =>
        {
            served?.Invoke(connection);
            await connection.SendAsync(LineWriter.Lf, "hello", ct);
            await connection.Input.ReadAsync(ct);
        });
    }

    private static Task<SwitchboardConnection> ConnectAsync(SwitchboardListener listener, ClientTlsOptions tls)
        => SwitchboardConnection.ConnectTcpAsync("127.0.0.1", StartTlsTests.Port(listener), new ClientOptions { Tls = tls, ConnectTimeout = TestTimeout.Default }, cancellationToken: TestTimeout.Token());

    private static async Task<string?> ReadLineAsync(SwitchboardConnection connection)
    {
        var result = await connection.CreateReader(new LineReader()).ReadAsync(TestTimeout.Token());
        return result.IsCompleted ? null : Encoding.UTF8.GetString(result.Message);
    }
}
