using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>The client page over each transport, against the real <c>switchboard listen --mode echo</c>.</summary>
public sealed partial class ClientTransportTests
{
    // The page's 3 s connect timeout covers the TLS handshake, which on a loaded machine (a fresh listen process and
    // this one both compiling their TLS code first) took longer; what these tests check is not how fast it is.
    internal static readonly TimeSpan ConnectPatience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("tls")]
    [InlineData("unix")]
    [InlineData("udp")]
    public async Task Echo_over(string transport)
    {
        using var scratch = new Scratch();
        string[] args = transport switch
        {
            "tls" => ["--port", "0", "--tls", .. scratch.SelfSignedPem()],
            "unix" => ["--unix", scratch.File("echo.sock")],
            _ => ["--port", "0", "--udp"],
        };
        using var echo = SwitchboardCli.Start(["listen", "--host", "127.0.0.1", "--mode", "echo", .. args]);
        var listening = await echo.WaitForStderrAsync(ListeningLine(), TimeSpan.FromSeconds(30));

        // Unix sockets are allowed only under directories the operator lists; the loopback ports by default.
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, ClientUnixDirectories = { scratch.Root }, ClientConnectTimeout = ConnectPatience });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/client"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        browser.Select("#transport", transport);
        if (transport == "unix")
        {
            browser.Type("#path", scratch.File("echo.sock"));
        }
        else
        {
            browser.Type("#port", listening.Groups["port"].Value);
        }

        if (transport == "tls")
        {
            // A self-signed test certificate: the page's "accept any certificate" box is for exactly this.
            browser.Click("#insecure");
        }

        browser.Click("#connect");
        browser.WaitUntil(() => browser.Find("#status").GetAttribute("data-state") == "connected", $"Connected over {transport}");
        Assert.StartsWith(transport, browser.Find("#detail").Text, StringComparison.Ordinal);

        browser.Type("#send-text", $"over {transport}");
        browser.Click("#send");
        browser.WaitUntil(() => browser.FindAll("#log .entry.in .text").Any(e => e.Text == $"over {transport}"), $"the {transport} echo");
    }

    [Fact]
    public async Task Tls_refuses_an_untrusted_certificate_unless_told_otherwise()
    {
        using var scratch = new Scratch();
        using var echo = SwitchboardCli.Start(["listen", "--host", "127.0.0.1", "--port", "0", "--mode", "echo", "--tls", .. scratch.SelfSignedPem()]);
        var listening = await echo.WaitForStderrAsync(ListeningLine(), TimeSpan.FromSeconds(30));
        await using var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, ClientConnectTimeout = ConnectPatience });
        using var browser = HeadlessChromium.Start();
        browser.Open(console.Page("/client"));
        browser.WaitUntil(() => browser.Find("#link").GetAttribute("data-state") == "open", "the page's WebSocket");
        browser.Select("#transport", "tls");
        browser.Type("#port", listening.Groups["port"].Value);
        browser.Click("#connect");
        browser.WaitUntil(() => browser.Find("#result").Text.Contains("certificate", StringComparison.OrdinalIgnoreCase), "the certificate refusal");
        Assert.Equal("unconnected", browser.Find("#status").GetAttribute("data-state"));
    }

    [GeneratedRegex(@"listening on \w+ (unix:)?(?:127\.0\.0\.1:(?<port>\d+)|/\S+)")]
    private static partial Regex ListeningLine();

    private sealed class Scratch : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("switchboard-web-client-").FullName;

        public string Root => _dir;

        public string File(string name) => Path.Combine(_dir, name);

        /// <summary>Writes a self-signed certificate for 127.0.0.1 as PEM; returns the listen arguments.</summary>
        public string[] SelfSignedPem()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            System.IO.File.WriteAllText(File("cert.pem"), certificate.ExportCertificatePem());
            System.IO.File.WriteAllText(File("key.pem"), key.ExportPkcs8PrivateKeyPem());
            return ["--cert", File("cert.pem"), "--key", File("key.pem")];
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
