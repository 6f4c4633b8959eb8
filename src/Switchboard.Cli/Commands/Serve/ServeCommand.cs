using System.CommandLine;
using Microsoft.Extensions.Logging;
using Switchboard.Chat;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Serve;

/// <summary><c>switchboard serve</c>: the chat server.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var host = new Option<string?>("--host") { Description = "Address the TCP and TLS listeners bind (default 127.0.0.1)" };
        var port = Infrastructure.CliValues.PortOption("--port", "TCP port (default 8899; 0 picks a free port, printed at start)", allowZero: true, "-p");
        var noTcp = new Option<bool>("--no-tcp") { Description = "Do not listen on plain TCP" };
        var tlsPort = Infrastructure.CliValues.PortOption("--tls-port", "Also listen with TLS on this port (needs --cert and --key)", allowZero: true);
        var cert = new Option<string?>("--cert") { Description = "PEM certificate for TLS" };
        var key = new Option<string?>("--key") { Description = "PEM private key for TLS" };
        var clientCa = new Option<string?>("--client-ca") { Description = "With --tls-port: require client certificates issued by a CA in this PEM file (Chat:ClientCaFile)" };
        var tlsMin = Infrastructure.TlsFlags.MinimumVersionOption();
        tlsMin.Description = "Lowest TLS version the TLS listener accepts: 1.2 (default) or 1.3 (Chat:TlsMinVersion)";
        var unix = new Option<string?>("--unix") { Description = "Also listen on this Unix socket path" };
        var data = new Option<string?>("--data") { Description = "Directory of the chat database (default $XDG_DATA_HOME/switchboard or ~/.local/share/switchboard)" };
        var oper = new Option<string?>("--oper-secret") { Description = "Secret for /oper (also SWITCHBOARD_OPER_SECRET or Chat:OperatorSecret)" };
        var operFile = new Option<string?>("--oper-secret-file") { Description = "Read the /oper secret from this file, so it does not show in ps (also Chat:OperatorSecretFile; wins over --oper-secret)" };
        var postgres = new Option<string?>("--postgres") { Description = "Share rooms, history and presence with other nodes on this PostgreSQL database (Npgsql connection string, e.g. \"Host=127.0.0.1;Username=chat;Database=chat\"; also SWITCHBOARD_Chat__Postgres; give the password in PGPASSWORD). Without it: SQLite in --data" };
        var node = new Option<string?>("--node") { Description = "This node's name among the nodes on one database (default: host name, process id and a random suffix)" };
        var idle = Infrastructure.CliValues.DurationOption("--idle-timeout", "Close a client silent for this long (Chat:IdleTimeout; default 10m)", "-i");
        var config = new Option<string?>("--config") { Description = "An appsettings file to read, above appsettings.json (next to the binary, then in the current directory) and below SWITCHBOARD_* variables" };
        var command = new Command("serve", "Run the chat server (TCP 127.0.0.1:8899 by default; nc and telnet can talk to it). Settings also come from appsettings.json and SWITCHBOARD_* environment variables.")
        {
            host, port, noTcp, tlsPort, cert, key, clientCa, tlsMin, unix, data, oper, operFile, postgres, node, idle, config,
        };

        var web = ServeWebConsole.AddTo(command);
        command.SetAction(parse => ChatServerOptions.CheckPostgres(parse.GetValue(postgres)) is { } bad
            ? Usage($"--postgres: {bad}")
            : ServeHost.Run(options =>
        {
            // Command-line values win over appsettings.json and the environment, but only when given.
            if (parse.GetValue(host) is { } h)
            {
                options.Host = h;
            }

            if (parse.GetValue(port) is { } p)
            {
                options.Port = p;
            }

            if (parse.GetValue(noTcp))
            {
                options.EnableTcp = false;
            }

            if (parse.GetValue(tlsPort) is { } t)
            {
                options.TlsPort = t;
            }

            options.CertificateFile = parse.GetValue(cert) ?? options.CertificateFile;
            options.KeyFile = parse.GetValue(key) ?? options.KeyFile;
            options.ClientCaFile = parse.GetValue(clientCa) ?? options.ClientCaFile;
            options.TlsMinVersion = parse.GetValue(tlsMin) is { } minimum ? Net.TlsVersions.Describe(minimum) : options.TlsMinVersion;
            options.UnixSocketPath = parse.GetValue(unix) ?? options.UnixSocketPath;
            options.DataDirectory = parse.GetValue(data) ?? options.DataDirectory;
            options.OperatorSecret = parse.GetValue(oper) ?? options.OperatorSecret;
            options.OperatorSecretFile = parse.GetValue(operFile) ?? options.OperatorSecretFile;
            options.Postgres = parse.GetValue(postgres) ?? options.Postgres;
            options.NodeName = parse.GetValue(node) ?? options.NodeName;
            options.IdleTimeout = parse.GetValue(idle) ?? options.IdleTimeout;
        }, builder =>
        {
            builder.Logging.SetMinimumLevel(Infrastructure.GlobalOptions.LogLevel(parse));
            web.Configure(builder, parse);
        }, parse.GetValue(config)));
        return command;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"switchboard serve: {message}");
        return ExitCodes.Usage;
    }
}
