using System.CommandLine;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Connect;

/// <summary><c>switchboard connect</c>: stdin to the socket, the socket to stdout, as netcat does.</summary>
internal static class ConnectCommand
{
    public static Command Create()
    {
        var target = new Argument<string?>("host") { Description = "Host name or IPv4/IPv6 address; HOST:PORT and [IPv6]:PORT work too.", Arity = ArgumentArity.ZeroOrOne, HelpName = "HOST[:PORT]" };
        var port = new Argument<string?>("port") { Description = "Port number (1-65535), unless given as HOST:PORT.", Arity = ArgumentArity.ZeroOrOne };
        var unix = new Option<string?>("--unix", "-U") { Description = "Connect to a Unix domain socket at this path instead." };
        var tls = new Option<bool>("--tls", "--ssl") { Description = "Speak TLS; the server certificate is checked against the system's trusted roots. --ssl is the same (ncat's name)." };
        var ca = new Option<FileInfo?>("--ca") { Description = "Trust the CA certificates in this PEM file instead of the system store." };
        // -k stays --insecure here (curl's meaning, which users of connect have today); ncat's -k (keep the
        // listener open) belongs to listen, where it is accepted and is the default anyway.
        var insecure = new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (testing only; never the default)." };
        var sni = new Option<string?>("--sni") { Description = "Server name to send and to check the certificate against (default: HOST)." };
        var startTls = new Option<bool>("--starttls") { Description = "Connect in the clear, then upgrade to TLS with the SMTP-style STARTTLS exchange (greeting, EHLO, STARTTLS; see docs/SECURITY.md); the TLS flags apply as with --tls." };
        var tlsMin = TlsFlags.MinimumVersionOption();
        var clientCert = new Option<FileInfo?>("--cert") { Description = "Client certificate to present when the server asks for one: PEM (with --key) or PFX/PKCS#12." };
        var clientKey = new Option<FileInfo?>("--key") { Description = "PEM private key of --cert." };
        var udp = new Option<bool>("--udp", "-u") { Description = "Send each stdin line as a UDP datagram and print the datagrams that come back." };
        var broadcast = new Option<bool>("--broadcast") { Description = "With --udp: allow sending to a broadcast address such as 127.255.255.255 (off by default)." };
        var ttl = CliValues.OptionalNumberOption("--ttl", "With --udp: hops a multicast datagram may cross, 0 to 255 (system default 1: this link only).", 0, 255);
        var noLoopback = new Option<bool>("--no-loopback") { Description = "With --udp: multicast datagrams sent are not delivered to group members on this host." };
        var proxy = new Option<string?>("--proxy") { Description = "Connect through a proxy: socks5://[user:pass@]host:port or http://[user:pass@]host:port (HTTP CONNECT). Default: ALL_PROXY or HTTPS_PROXY, unless NO_PROXY lists HOST." };
        var noProxy = new Option<bool>("--no-proxy") { Description = "Connect directly, ignoring ALL_PROXY and HTTPS_PROXY." };
        var timeout = new Option<TimeSpan>("--timeout", "-w")
        {
            Description = "Connect timeout (3s, 500ms, 1m).",
            CustomParser = r => Durations.Parse(r, TimeSpan.FromSeconds(3)),
            DefaultValueFactory = _ => TimeSpan.FromSeconds(3),
        };
        var idle = CliValues.DurationOption("--idle-timeout", "Close the connection and exit (code 5) after this long with nothing sent or received (ncat's -i).", "-i");
        var crlf = new Option<bool>("--crlf", "-C") { Description = "Send CRLF line endings instead of LF." };
        var hex = new Option<bool>("--hex", "-x") { Description = "Read stdin as hex text and show received bytes as a hex dump." };
        var socketFlags = new SocketFlags();
        var command = new Command("connect", "Connect to a server: stdin goes to the socket, the socket goes to stdout. End of stdin half-closes and waits for the peer.\n" + ExitCodes.Help)
        {
            target, port, unix, tls, ca, insecure, sni, startTls, tlsMin, clientCert, clientKey, udp, broadcast, ttl, noLoopback, proxy, noProxy, timeout, idle, crlf, hex,
        };
        foreach (var option in socketFlags.All)
        {
            command.Options.Add(option);
        }

        CliValues.AddValidator(command, result =>
        {
            var hasHost = result.GetValue(target) is not null;
            var hasUnix = result.GetValue(unix) is not null;
            if (hasUnix == hasHost)
            {
                result.AddError("give either HOST PORT (or HOST:PORT) or --unix PATH");
            }
            else if (hasHost && !HostPort.TryParse(result.GetValue(target)!, result.GetValue(port), null, out _, out var error))
            {
                result.AddError(error);
            }

            var anyTls = result.GetValue(tls) || result.GetValue(startTls);
            if (result.GetValue(tls) && result.GetValue(startTls))
            {
                result.AddError("give --tls (TLS from the first byte) or --starttls (TLS after the STARTTLS exchange), not both");
            }

            if (!anyTls && (result.GetValue(ca) is not null || result.GetValue(insecure) || result.GetValue(sni) is not null))
            {
                result.AddError("--ca, --insecure and --sni need --tls (or --starttls)");
            }
            else if (!anyTls && (result.GetValue(tlsMin) is not null || result.GetValue(clientCert) is not null || result.GetValue(clientKey) is not null))
            {
                result.AddError("--tls-min, --cert and --key need --tls or --starttls");
            }

            if (result.GetValue(startTls) && (hasUnix || result.GetValue(udp)))
            {
                result.AddError("--starttls works with TCP HOST PORT only (no --unix, no --udp)");
            }

            if (result.GetValue(ca) is { } caFile && TlsFlags.CheckCaFile("--ca", caFile.FullName) is { } caError)
            {
                result.AddError(caError);
            }

            if (result.GetValue(clientKey) is not null && result.GetValue(clientCert) is null)
            {
                result.AddError("--key needs --cert");
            }
            else if (result.GetValue(clientCert) is { } certFile && TlsFlags.CheckCertificate("--cert", certFile.FullName, result.GetValue(clientKey)?.FullName) is { } certError)
            {
                result.AddError(certError);
            }

            if (result.GetValue(udp) && (hasUnix || result.GetValue(tls)))
            {
                result.AddError("--udp works with HOST PORT only (no --unix, no --tls)");
            }

            if (result.GetValue(udp) && result.GetValue(idle) is not null)
            {
                result.AddError("--idle-timeout is for TCP, TLS and Unix sockets; with --udp, --timeout says how long to wait for replies");
            }

            if (!result.GetValue(udp) && (result.GetValue(broadcast) || result.GetValue(ttl) is not null || result.GetValue(noLoopback)))
            {
                result.AddError("--broadcast, --ttl and --no-loopback need --udp");
            }
            else if (result.GetValue(udp) && !result.GetValue(broadcast) && result.GetValue(target) is { } text
                && HostPort.TryParse(text, result.GetValue(port), null, out var destination, out _)
                && System.Net.IPAddress.TryParse(destination.Host, out var address) && UdpEndpoint.IsBroadcast(address))
            {
                result.AddError($"{destination.Host} is a broadcast address: add --broadcast to send to it");
            }

            socketFlags.Validate(result, hasUnix, result.GetValue(udp));

            if (result.GetValue(proxy) is { } url)
            {
                if (result.GetValue(noProxy) || hasUnix || result.GetValue(udp))
                {
                    result.AddError("--proxy works with TCP HOST PORT only (no --no-proxy, --unix or --udp)");
                }
                else if (ProxySetting.Check(url) is { } error)
                {
                    result.AddError($"--proxy: {error}");
                }
            }
        });

        command.SetAction((result, cancellationToken) =>
        {
            var address = result.GetValue(target) is { } text && HostPort.TryParse(text, result.GetValue(port), null, out var parsed, out _) ? parsed : (HostPort?)null;
            var settings = new ConnectSettings(
                address?.Host,
                address?.Port ?? 0,
                result.GetValue(unix),
                result.GetValue(tls) || result.GetValue(startTls)
                    ? new ClientTlsOptions
                    {
                        CaFile = result.GetValue(ca)?.FullName,
                        Insecure = result.GetValue(insecure),
                        ServerName = result.GetValue(sni),
                        MinimumVersion = result.GetValue(tlsMin) ?? TlsVersion.Tls12,
                        // Checked by the validator above: it loads.
                        ClientCertificate = result.GetValue(clientCert) is { } certFile ? TlsFlags.Load(certFile.FullName, result.GetValue(clientKey)?.FullName) : null,
                    }
                    : null,
                result.GetValue(udp),
                new UdpSetting(result.GetValue(broadcast), result.GetValue(ttl), result.GetValue(noLoopback)),
                new ProxySetting(result.GetValue(proxy), result.GetValue(noProxy)),
                result.GetValue(timeout),
                result.GetValue(crlf),
                result.GetValue(hex),
                result.GetValue(idle),
                result.GetValue(GlobalOptions.Verbose),
                result.GetValue(startTls),
                options => socketFlags.ApplyTo(result, options));
            return settings.Udp ? UdpConnect.RunAsync(settings) : StreamConnect.RunAsync(settings);
        });
        return command;
    }
}

internal sealed record ConnectSettings(string? Host, int Port, string? Unix, ClientTlsOptions? Tls, bool Udp, UdpSetting UdpOptions, ProxySetting Proxy, TimeSpan Timeout, bool Crlf, bool Hex, TimeSpan? IdleTimeout = null, bool Verbose = false, bool StartTls = false, Action<ConnectionOptions>? TuneSocket = null);

/// <summary>The UDP switches of <c>connect --udp</c>: broadcast permission, multicast TTL and loopback.</summary>
internal sealed record UdpSetting(bool Broadcast, int? MulticastTimeToLive, bool NoLoopback);
