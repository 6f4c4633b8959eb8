using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Chat;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// What serve does on SIGHUP: the settings are read again and the reloadable ones applied
/// (<see cref="ServeSettingsReload"/>); the TLS certificate and key are read again from their files and new
/// handshakes present them; live connections keep theirs.
/// </summary>
internal static class ServeReload
{
    public static void OnHangup(ChatServer server, ILogger logger, IConfigurationRoot configuration, Action<ChatServerOptions> overrides)
    {
        try
        {
            ServeSettingsReload.Reload(server, logger, configuration, overrides);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or InvalidOperationException)
        {
            // An unreadable or malformed file: the settings in force stay.
            logger.LogError("SIGHUP received: the settings were not reloaded, nothing changed: {Reason}", ex.Message);
        }

        try
        {
            var certificate = server.ReloadCertificate();
            if (certificate is null)
            {
                logger.LogInformation("SIGHUP received: no TLS listener, no certificate to reload");
                return;
            }

            logger.LogInformation(
                "SIGHUP received: TLS certificate reloaded from {CertificateFile} ({Subject}, SHA-256 {Thumbprint}, expires {Expires}); new handshakes present it, open connections keep theirs",
                server.Options.CertificateFile,
                certificate.Subject,
                certificate.GetCertHashString(HashAlgorithmName.SHA256),
                certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or InvalidOperationException)
        {
            // Logged once, in a line; serve keeps the certificate it had, so a bad renewal never stops TLS service.
            logger.LogError("SIGHUP received: could not reload the TLS certificate ({Reason}); the previous certificate stays in use", ex.Message);
        }
    }
}
