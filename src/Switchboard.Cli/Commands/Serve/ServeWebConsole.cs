using System.CommandLine;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Chat;
using Switchboard.Web;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// The web console of <c>switchboard serve</c>: its options (--web-host, --web-port, --no-web, --no-web-client,
/// --web-no-token, or Web:Host, Web:Port, Web:Enabled, Web:ClientPage, Web:Token, Web:RequireToken, Web:TokenFile,
/// Web:AllowedHosts, Web:ClientTargets, Web:ClientUnixDirectories, Web:ListenerUnixDirectories in configuration) and its mounting on serve's
/// WebApplication, next to the chat listeners. The token goes to the terminal only, or to a file of mode 600
/// (DATA/web-token): stdout and stderr may be journald's, which other accounts can read.
/// </summary>
internal sealed class ServeWebConsole
{
    private readonly Option<string?> _host = new("--web-host") { Description = "Address of the web console (default 127.0.0.1; its token is printed on a terminal, else written to DATA/web-token)" };
    private readonly Option<int?> _port = new("--web-port") { Description = $"Port of the web console (default {ConsoleOptions.DefaultPort}; 0 picks a free one, printed at start)" };
    private readonly Option<bool> _noWeb = new("--no-web") { Description = "Do not serve the web console" };
    private readonly Option<bool> _noClient = new("--no-web-client") { Description = "Serve the console without its client page (which opens connections from this machine)" };
    private readonly Option<bool> _noToken = new("--web-no-token") { Description = "No access token on a loopback console (only for a machine where you are the only user)" };

    public static ServeWebConsole AddTo(Command command)
    {
        var web = new ServeWebConsole();
        command.Options.Add(web._host);
        command.Options.Add(web._port);
        command.Options.Add(web._noWeb);
        command.Options.Add(web._noClient);
        command.Options.Add(web._noToken);
        return web;
    }

    /// <summary>Called by serve's host builder before it decides on its HTTP endpoint.</summary>
    public void Configure(WebApplicationBuilder builder, ParseResult parse)
    {
        var config = builder.Configuration;
        if (parse.GetValue(_noWeb) || !config.GetValue("Web:Enabled", true))
        {
            return;
        }

        var host = parse.GetValue(_host) ?? config["Web:Host"] ?? "127.0.0.1";
        var explicitPort = parse.GetValue(_port) ?? config.GetValue<int?>("Web:Port");
        var port = explicitPort ?? ConsoleOptions.DefaultPort;
        if (port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"--web-port {port} is not a port (0 to 65535)");
        }

        if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            throw new InvalidOperationException($"--web-host {host} is not an IP address (or localhost)");
        }

        if (string.IsNullOrEmpty(config["Http:Urls"]))
        {
            // serve opens an HTTP endpoint only when Http:Urls names one: name the console's.
            var literal = IPAddress.TryParse(host.Trim('[', ']'), out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : host;
            config["Http:Urls"] = $"http://{literal}:{port}";
        }
        else
        {
            // HTTP endpoints configured by hand win; the token rule follows the widest of their addresses, so one
            // non-loopback URL among several still makes the console ask for the token.
            var hosts = config["Http:Urls"]!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(u => new Uri(u.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal)).Host)
                .ToArray();
            host = hosts.FirstOrDefault(h => !ConsoleOptions.IsLoopbackAddress(h)) ?? hosts.FirstOrDefault() ?? host;
        }

        var clientPage = !parse.GetValue(_noClient) && config.GetValue("Web:ClientPage", true);
        var requireToken = !parse.GetValue(_noToken) && config.GetValue("Web:RequireToken", true);
        if (!requireToken && !ConsoleOptions.IsLoopbackAddress(host))
        {
            throw new InvalidOperationException($"--web-no-token works only on a loopback console, not on {host}: beyond loopback the token is always required");
        }

        var tokenFile = config["Web:TokenFile"];
        ConsoleOptions Options(ChatServer? server, string? dataDirectory)
        {
            var options = new ConsoleOptions
            {
                Host = host,
                Port = port,
                EnableClientPage = clientPage,
                RequireToken = requireToken,
                TokenFile = tokenFile ?? (dataDirectory is null ? null : Path.Combine(dataDirectory, "web-token")),
                Server = server is null ? null : new ChatConsoleServer(server),
                Started = PrintAddress,
            };
            AddAll(options.AllowedHosts, config, "Web:AllowedHosts");
            AddAll(options.ClientTargets, config, "Web:ClientTargets");
            AddAll(options.ClientUnixDirectories, config, "Web:ClientUnixDirectories");
            AddAll(options.ListenerUnixDirectories, config, "Web:ListenerUnixDirectories");
            return options;
        }

        // Bad entries are the user's typing: say so now, before anything is bound (exit 2).
        Options(null, null).Validate();
        builder.Services.AddSwitchboardConsole(services => Options(
            services.GetRequiredService<ChatServer>(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ChatServerOptions>>().Value.DataDirectory));

        if (explicitPort is null)
        {
            TolerateBusyDefaultPort(builder, host, port);
        }
    }

    /// <summary>
    /// The address on stderr (as every listening line), for people and scripts. The token only when stderr is a terminal: redirected, stderr
    /// may be a log (journald under systemd) that others can read, so the line names the token's file instead.
    /// </summary>
    private static void PrintAddress(ConsoleMount mount, IReadOnlyList<string> baseUrls)
    {
        var onTerminal = !Console.IsErrorRedirected;
        foreach (var url in baseUrls)
        {
            var line = mount.Token is null ? url
                : onTerminal ? mount.Urls([url]).Single()
                : mount.TokenFile is { } file ? $"{url} (token in {file})"
                : $"{url} (token from configuration)";
            Console.Error.WriteLine($"web console on {line}");
        }

        Console.Error.Flush();
    }

    /// <summary>A list from configuration: an array (Web:ClientTargets:0, ...) or one value separated by commas.</summary>
    private static void AddAll(IList<string> list, IConfiguration config, string key)
    {
        var section = config.GetSection(key);
        var values = section.Value is { } single
            ? single.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value).OfType<string>();
        foreach (var value in values)
        {
            list.Add(value);
        }
    }

    /// <summary>
    /// The console is an extra: when nobody asked for a port and 8080 is taken (another serve, another program),
    /// the chat still runs and the console says why it is off. A port given explicitly that is taken stays an
    /// error, as for the chat's own port.
    /// </summary>
    private static void TolerateBusyDefaultPort(WebApplicationBuilder builder, string host, int port)
    {
        var existing = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IServer));
        if (existing?.ImplementationType is not { } kestrelType)
        {
            return;
        }

        builder.Services.Remove(existing);
        builder.Services.AddSingleton<IServer>(services => new OptionalServer((IServer)ActivatorUtilities.CreateInstance(services, kestrelType), $"{host}:{port}"));
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.None);
    }

    /// <summary>Kestrel, except that "address in use" turns the console off instead of stopping serve.</summary>
    private sealed class OptionalServer(IServer inner, string address) : IServer
    {
        private bool _started;

        public IFeatureCollection Features => inner.Features;

        public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull
        {
            try
            {
                await inner.StartAsync(application, cancellationToken);
                _started = true;
            }
            catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                || ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                await Console.Error.WriteLineAsync($"switchboard serve: web console off: {address} is in use (choose another with --web-port, or --no-web)");
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => _started ? inner.StopAsync(cancellationToken) : Task.CompletedTask;

        public void Dispose() => inner.Dispose();
    }
}
