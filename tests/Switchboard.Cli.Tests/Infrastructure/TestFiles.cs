using System.Diagnostics;

namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>Temp paths and a self-signed certificate made with the real openssl, as a user would.</summary>
public static class TestFiles
{
    private static readonly Lazy<(string Cert, string Key)> s_certificate = new(CreateCertificate);

    public static string TempPath(string suffix) => Path.Combine(Path.GetTempPath(), $"sb-{Guid.NewGuid():N}{suffix}");

    public static string CertificatePem => s_certificate.Value.Cert;

    public static string KeyPem => s_certificate.Value.Key;

    private static (string, string) CreateCertificate()
    {
        var openssl = Peers.OpenSsl;
        var directory = Directory.CreateTempSubdirectory("sb-cert-").FullName;
        var cert = Path.Combine(directory, "cert.pem");
        var key = Path.Combine(directory, "key.pem");
        var info = new ProcessStartInfo(openssl)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[] { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "3", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        Assert.True(process.WaitForExit(30_000), "openssl req did not finish");
        Assert.True(process.ExitCode == 0, $"openssl req failed: {process.StandardError.ReadToEnd()}");
        return (cert, key);
    }
}
