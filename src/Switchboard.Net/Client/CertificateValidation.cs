using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net;

/// <summary>Server certificate checks, against the system store or a given CA file, with a reason people can act on.</summary>
internal static class CertificateValidation
{
    /// <summary>Returns null when the certificate is acceptable, otherwise why it is not.</summary>
    public static string? Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string? caFile, string serverName)
    {
        if (certificate is null)
        {
            return "the server sent no certificate";
        }

        if (caFile is null)
        {
            return errors == SslPolicyErrors.None ? null : Describe(errors, chain, serverName);
        }

        // A given CA file replaces the system store: build the chain against it alone.
        var nameErrors = errors & SslPolicyErrors.RemoteCertificateNameMismatch;
        if (nameErrors != 0)
        {
            return $"the certificate does not match the name '{serverName}'";
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        X509Certificate2Collection roots;
        try
        {
            roots = X509CertificateLoader.LoadPkcs12Collection(File.ReadAllBytes(caFile), null);
        }
        catch (Exception)
        {
            roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
        }

        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf) ? null : $"not trusted by {caFile}: {Summarize(custom)}";
    }

    private static string Describe(SslPolicyErrors errors, X509Chain? chain, string serverName)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"the certificate does not match the name '{serverName}'");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            reasons.Add($"the certificate is not trusted ({(chain is null ? "no chain" : Summarize(chain))})");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the server sent no certificate");
        }

        return string.Join("; ", reasons);
    }

    private static string Summarize(X509Chain chain)
    {
        var statuses = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
        var text = string.Join("; ", statuses);
        return text.Length > 0 ? text : "unknown chain error";
    }
}
