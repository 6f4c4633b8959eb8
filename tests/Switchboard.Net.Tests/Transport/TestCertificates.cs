using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net.Tests.Transport;

/// <summary>A self-signed certificate for localhost/127.0.0.1/::1, made once per test run, and its PEM file.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<(X509Certificate2 Certificate, string PemPath)> s_server = new(Create);

    public static X509Certificate2 Server => s_server.Value.Certificate;

    public static string ServerPemPath => s_server.Value.PemPath;

    private static (X509Certificate2, string) Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-test-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(path, created.ExportCertificatePem());
        return (certificate, path);
    }
}
