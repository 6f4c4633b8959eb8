using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net;

/// <summary>
/// Certificate checks, against the system store or given CA certificates, as a list of errors people can act on.
/// The one place both sides (a client checking a server, a listener checking a client) turn chains into errors.
/// </summary>
internal static class CertificateValidation
{
    /// <summary>The errors of a server's certificate; empty when it is acceptable.</summary>
    public static List<TlsCertificateError> Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string? caFile, string serverName)
    {
        if (certificate is null)
        {
            return [new(TlsCertificateErrorKind.NoCertificate, "the server sent no certificate")];
        }

        var found = new List<TlsCertificateError>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            found.Add(new(TlsCertificateErrorKind.NameMismatch, $"the certificate does not match the name '{serverName}'"));
        }

        if (caFile is null)
        {
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
            {
                found.AddRange(FromChain(chain, "the certificate is not trusted"));
            }

            return found;
        }

        // A given CA file replaces the system store: build the chain against it alone.
        var roots = LoadCertificates(caFile);
        found.AddRange(BuildAgainst(certificate, chain, roots, $"not trusted by {caFile}"));
        return found;
    }

    /// <summary>The errors of a client's certificate checked against the CA certificates a listener trusts.</summary>
    public static List<TlsCertificateError> ValidateClient(X509Certificate? certificate, X509Chain? chain, X509Certificate2Collection authorities)
        => certificate is null
            ? [new(TlsCertificateErrorKind.NoCertificate, "the client sent no certificate")]
            : BuildAgainst(certificate, chain, authorities, "the client certificate is not trusted by the client CA");

    /// <summary>Reads CA certificates from a PEM file (or a PKCS#12 bundle).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file holds no certificate.</exception>
    public static X509Certificate2Collection LoadCertificates(string file)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(file);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            collection = X509CertificateLoader.LoadPkcs12Collection(File.ReadAllBytes(file), null);
        }

        if (collection.Count == 0)
        {
            collection = X509CertificateLoader.LoadPkcs12Collection(File.ReadAllBytes(file), null);
        }

        return collection.Count > 0 ? collection : throw new System.Security.Cryptography.CryptographicException($"no certificate in {file}");
    }

    /// <summary>One line for a list of errors.</summary>
    public static string Describe(IEnumerable<TlsCertificateError> errors) => string.Join("; ", errors.Select(e => e.Description));

    private static List<TlsCertificateError> BuildAgainst(X509Certificate certificate, X509Chain? presented, X509Certificate2Collection roots, string prefix)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf) ? [] : FromChain(custom, prefix);
    }

    private static List<TlsCertificateError> FromChain(X509Chain? chain, string prefix)
    {
        if (chain is null || chain.ChainStatus.Length == 0)
        {
            return [new(TlsCertificateErrorKind.Other, $"{prefix} (unknown chain error)")];
        }

        return chain.ChainStatus
            .GroupBy(s => KindOf(s.Status))
            .Select(g => new TlsCertificateError(g.Key, $"{prefix} ({Summarize(g)})"))
            .ToList();
    }

    private static string Summarize(IEnumerable<X509ChainStatus> statuses)
    {
        var text = string.Join("; ", statuses.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return text.Length > 0 ? text : "unknown chain error";
    }

    private static TlsCertificateErrorKind KindOf(X509ChainStatusFlags status)
    {
        if ((status & X509ChainStatusFlags.UntrustedRoot) != 0)
        {
            return TlsCertificateErrorKind.UntrustedRoot;
        }

        if ((status & X509ChainStatusFlags.PartialChain) != 0)
        {
            return TlsCertificateErrorKind.PartialChain;
        }

        if ((status & (X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested)) != 0)
        {
            return TlsCertificateErrorKind.NotTimeValid;
        }

        if ((status & X509ChainStatusFlags.Revoked) != 0)
        {
            return TlsCertificateErrorKind.Revoked;
        }

        if ((status & X509ChainStatusFlags.NotSignatureValid) != 0)
        {
            return TlsCertificateErrorKind.InvalidSignature;
        }

        if ((status & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidBasicConstraints | X509ChainStatusFlags.InvalidExtension)) != 0)
        {
            return TlsCertificateErrorKind.InvalidUsage;
        }

        return TlsCertificateErrorKind.Other;
    }
}
