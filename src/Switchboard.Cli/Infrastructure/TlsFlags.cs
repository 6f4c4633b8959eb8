using System.CommandLine;
using System.Security.Cryptography;
using Switchboard.Net;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// The TLS flags several commands share (--tls-min, certificate and CA files), checked before anything is bound
/// or opened: a file that is missing, unreadable or holds no certificate is one line in the user's words.
/// </summary>
internal static class TlsFlags
{
    /// <summary>--tls-min 1.2|1.3; absent means the library's floor, TLS 1.2.</summary>
    public static Option<TlsVersion?> MinimumVersionOption() => new("--tls-min")
    {
        Description = "Lowest TLS version to speak: 1.2 (the default) or 1.3.",
        HelpName = "1.2|1.3",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (TlsVersions.TryParse(text, out var version))
            {
                return version;
            }

            r.AddError($"{CliValues.NameOf(r)} must be 1.2 or 1.3, not '{text}'");
            return null;
        },
    };

    /// <summary>Null when <paramref name="path"/> can be opened for reading, else why not.</summary>
    public static string? Unreadable(string flag, string path)
    {
        if (Directory.Exists(path))
        {
            return $"{flag} {path} is a directory, not a file";
        }

        if (!File.Exists(path))
        {
            return $"{flag}: no file at {path}";
        }

        try
        {
            using var _ = File.OpenRead(path);
            return null;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return $"{flag}: cannot read {path} ({ex.Message})";
        }
    }

    /// <summary>Null when the file holds at least one CA certificate, else why not.</summary>
    public static string? CheckCaFile(string flag, string path)
    {
        if (Unreadable(flag, path) is { } error)
        {
            return error;
        }

        try
        {
            ListenerOptions.LoadCertificateAuthorities(path);
            return null;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            return $"{flag}: {path} holds no certificate (a PEM file of CA certificates is expected)";
        }
    }

    /// <summary>Null when the certificate (PEM with its key, or PFX alone) loads with its private key, else why not.</summary>
    public static string? CheckCertificate(string certFlag, string cert, string? key)
    {
        if ((Unreadable(certFlag, cert) ?? (key is null ? null : Unreadable("--key", key))) is { } error)
        {
            return error;
        }

        try
        {
            using var loaded = Load(cert, key);
            return loaded.HasPrivateKey ? null : $"{certFlag}: {cert} has no private key (give it with --key)";
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
        {
            return key is null
                ? $"{certFlag}: {cert} is not a PFX/PKCS#12 file with a key (for a PEM certificate give --key too)"
                : $"{certFlag}/--key: {cert} and {key} are not a PEM certificate and its private key ({ex.Message.TrimEnd('.')})";
        }
    }

    /// <summary>Loads a certificate with its key: PEM with <paramref name="key"/>, or PFX/PKCS#12 without a password.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 Load(string cert, string? key)
        => key is null ? ListenerOptions.LoadPfxCertificate(cert, null) : ListenerOptions.LoadPemCertificate(cert, key);
}
