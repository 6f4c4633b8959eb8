using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Usage;

/// <summary>SIGHUP makes serve read its certificate files again: a renewed certificate without a restart.</summary>
public sealed class ServeCertificateReloadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sighup_presents_the_renewed_certificate_to_new_clients_and_keeps_the_old_one_when_the_files_are_bad()
    {
        using var folder = new TempFolder();
        var cert = Path.Combine(folder.Path, "cert.pem");
        var key = Path.Combine(folder.Path, "key.pem");
        await MakeCertificateAsync("switchboard-cert-a", cert, key);
        var renewedCert = Path.Combine(folder.Path, "renewed-cert.pem");
        var renewedKey = Path.Combine(folder.Path, "renewed-key.pem");
        await MakeCertificateAsync("switchboard-cert-b", renewedCert, renewedKey);

        await using var serve = SwitchboardCli.Start(["serve", "--port", "0", "--tls-port", "0", "--cert", cert, "--key", key, "--no-web", "--data", Path.Combine(folder.Path, "data")], null, workingDirectory: folder.Path);
        var port = int.Parse((await serve.WaitForLineAsync(@"chat listening on tls 127\.0\.0\.1:(\d+)", stderr: true, timeout: Timeout)).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal("switchboard-cert-a", await PresentedSubjectAsync(port));

        // A client connected before the renewal, over TLS with the first certificate.
        await using var early = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-connect", $"127.0.0.1:{port}", "-quiet"]);
        await early.WaitForLineAsync("Welcome to Switchboard chat", timeout: Timeout);

        // The renewal as certbot or an operator does it: new contents at the same paths, then SIGHUP.
        File.Copy(renewedCert, cert, overwrite: true);
        File.Copy(renewedKey, key, overwrite: true);
        serve.Signal(1);
        await serve.WaitForLineAsync("SIGHUP received: TLS certificate reloaded", stderr: true, timeout: Timeout);
        Assert.Equal("switchboard-cert-b", await PresentedSubjectAsync(port));
        Assert.False(serve.HasExited);

        // The early client still talks.
        await early.WriteLineAsync("/nick early");
        await early.WaitForLineAsync("is now known as early", timeout: Timeout);

        // A broken file is reported once and changes nothing: TLS keeps being served with the certificate it had.
        await File.WriteAllTextAsync(cert, "not a certificate\n");
        serve.Signal(1);
        await serve.WaitForLineAsync("could not reload the TLS certificate .*; the previous certificate stays in use", stderr: true, timeout: Timeout);
        Assert.Equal("switchboard-cert-b", await PresentedSubjectAsync(port));
        Assert.False(serve.HasExited);
        Assert.Single(serve.Stderr.Split('\n'), l => l.Contains("could not reload the TLS certificate", StringComparison.Ordinal));
    }

    /// <summary>The common name of the certificate a fresh openssl s_client handshake is shown.</summary>
    private static async Task<string> PresentedSubjectAsync(int port)
    {
        await using var client = ExternalProcess.Start(Peers.OpenSsl, ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost"], closeInput: true);
        await client.WaitForExitAsync(Timeout);
        // "subject=CN = name" (OpenSSL 3.0) or "subject=CN=name" (3.2 and later).
        var match = Regex.Match(client.Stdout, @"^subject=.*CN\s*=\s*([\w-]+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"no subject in openssl s_client's output:\n{client.Stdout}\n{client.Stderr}");
        return match.Groups[1].Value;
    }

    private static async Task MakeCertificateAsync(string commonName, string cert, string key)
    {
        var info = new ProcessStartInfo(Peers.OpenSsl) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "3", "-subj", $"/CN={commonName}" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"openssl req failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
