using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net.Tests.Tls;

/// <summary>A throwaway CA and certificates it issues, made in the test (nothing is read from disk but what it writes).</summary>
internal sealed class TestPki : IDisposable
{
    private readonly List<X509Certificate2> _made = [];

    public TestPki(string name = "Switchboard Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        Ca = Keep(X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null));
        CaPemPath = Path.Combine(Path.GetTempPath(), $"sb-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(CaPemPath, Ca.ExportCertificatePem());
    }

    public X509Certificate2 Ca { get; }

    public string CaPemPath { get; }

    public X509Certificate2Collection Authorities => new(Ca);

    /// <summary>A server certificate for localhost, 127.0.0.1 and ::1.</summary>
    public X509Certificate2 Server() => Issue("CN=localhost", server: true);

    /// <summary>A client certificate with the clientAuth usage.</summary>
    public X509Certificate2 Client(string subject = "CN=alice") => Issue(subject, server: false);

    private X509Certificate2 Issue(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(3), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Keep(X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
    }

    private X509Certificate2 Keep(X509Certificate2 certificate)
    {
        _made.Add(certificate);
        return certificate;
    }

    public void Dispose()
    {
        File.Delete(CaPemPath);
        foreach (var certificate in _made)
        {
            certificate.Dispose();
        }
    }
}

