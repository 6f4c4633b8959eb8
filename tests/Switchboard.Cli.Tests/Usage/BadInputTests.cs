using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Usage;

/// <summary>
/// What a new user types wrong, run through the real CLI: each gets exit 2 and a line or two in their words (no
/// stack trace, no .NET type names), and serve checks everything before it creates its data directory.
/// </summary>
public sealed class BadInputTests
{
    /// <summary>Command line; SWITCHBOARD_* variable (KEY=VALUE) or null; appsettings.json content or null; expected message.</summary>
    public static TheoryData<string, string?, string?, string> Cases => new()
    {
        // connect
        { "connect localhost http", null, null, "PORT must be a number from 1 to 65535, not 'http'" },
        { "connect -q1 127.0.0.1 9", null, null, "'-q1': -q (--quiet) is a switch and takes no value" },
        { "connect 127.0.0.1 99999", null, null, "PORT must be a number from 1 to 65535, not '99999'" },
        { "connect 127.0.0.1:0", null, null, "PORT must be a number from 1 to 65535, not '0'" },
        { "connect 127.0.0.1:80 80", null, null, "the port is given twice" },
        { "connect 127.0.0.1", null, null, "no port given for 127.0.0.1: write HOST PORT or HOST:PORT" },
        { "connect [::1 80", null, null, "is not an address: write [IPv6]:PORT" },
        { "connect --timeout soon 127.0.0.1 80", null, null, "--timeout: 'soon' is not a duration" },
        { "connect -i 0s 127.0.0.1 80", null, null, "--idle-timeout must be more than 0" },
        { "connect --insecure 127.0.0.1 80", null, null, "--ca, --insecure and --sni need --tls" },
        { "connect --udp --tls 127.0.0.1 80", null, null, "--udp works with HOST PORT only" },
        { "connect --tls --starttls 127.0.0.1 25", null, null, "give --tls (TLS from the first byte) or --starttls" },
        { "connect --starttls --unix /tmp/sb.sock", null, null, "--starttls works with TCP HOST PORT only" },
        { "connect --cert /nonexistent/c.pem --key /nonexistent/k.pem 127.0.0.1 80", null, null, "--tls-min, --cert and --key need --tls or --starttls" },
        { "connect --tls --cert /nonexistent/c.pem --key /nonexistent/k.pem 127.0.0.1 80", null, null, "--cert: no file at /nonexistent/c.pem" },
        { "connect --tls --key /nonexistent/k.pem 127.0.0.1 80", null, null, "--key needs --cert" },
        { "connect --tls --tls-min 1.1 127.0.0.1 80", null, null, "--tls-min must be 1.2 or 1.3, not '1.1'" },
        { "connect --tls --ca /nonexistent/ca.pem 127.0.0.1 80", null, null, "--ca: no file at /nonexistent/ca.pem" },
        // listen
        { "listen --port abc", null, null, "--port must be a number from 0 to 65535, not 'abc'" },
        { "listen 70000", null, null, "PORT must be a number from 0 to 65535, not '70000'" },
        { "listen 9000 --port 9001", null, null, "give the port once" },
        { "listen", null, null, "give either --port N or --unix PATH (or the port alone: listen 9000)" },
        { "listen 0 --mode shout", null, null, "--mode must be one of print, echo, relay, not 'shout'" },
        { "listen 0 --max-conns -5", null, null, "--max-conns must be from 1 to 1,000,000, not -5" },
        { "listen 0 --host 1.2.3.4", null, null, "--host 1.2.3.4 is not an address of this machine" },
        { "listen 0 --host example.com", null, null, "--host 'example.com' is not an IP address" },
        { "listen 0 --tls", null, null, "--tls needs --cert" },
        { "listen 0 --tls --cert /nonexistent/cert.pem", null, null, "no file at /nonexistent/cert.pem" },
        { "listen 0 -i 10x", null, null, "--idle-timeout: '10x' is not a duration" },
        { "listen 0 --starttls", null, null, "--starttls needs --cert" },
        { "listen 0 --client-ca /nonexistent/ca.pem", null, null, "--client-ca and --tls-min need --tls or --starttls" },
        { "listen 0 --tls --cert /etc/hostname --client-ca /nonexistent/ca.pem", null, null, "--client-ca: no file at /nonexistent/ca.pem" },
        { "listen 0 --tls --cert /etc/hostname --client-ca /etc/hostname", null, null, "--client-ca: /etc/hostname holds no certificate" },
        { "listen 0 --tls --cert /etc/hostname --tls-min 1.0", null, null, "--tls-min must be 1.2 or 1.3, not '1.0'" },
        { "listen 0 --soft-limit lots", null, null, "--soft-limit: 'lots' is not a size" },
        { "listen 0 --hard-limit 10", null, null, "--hard-limit must be from 1KiB to 1GiB, not 10" },
        { "listen 0 --soft-limit 8MiB --hard-limit 1MiB", null, null, "--hard-limit (1MiB) must be at least --soft-limit (8MiB)" },
        { "listen 0 --soft-limit-time 0s", null, null, "--soft-limit-time must be more than 0" },
        // fortune
        { "fortune get 127.0.0.1 notaport", null, null, "PORT must be a number from 1 to 65535, not 'notaport'" },
        { "fortune get 127.0.0.1 1 --framing qt6", null, null, "--framing must be one of qt5, qt4, local, not 'qt6'" },
        { "fortune serve --port -1", null, null, "--port must be a number from 0 to 65535, not '-1'" },
        { "fortune", null, null, "give a command: serve, get" },
        // chat and bench
        { "chat localhost:abc", null, null, "PORT must be a number from 1 to 65535, not 'abc'" },
        { "chat --heartbeat soon", null, null, "--heartbeat INTERVAL: 'soon' is not a duration" },
        { "chat --heartbeat 30s,10ms", null, null, "--heartbeat TIMEOUT must be at least 100ms, not '10ms'" },
        { "chat --heartbeat 1s,2s,3s", null, null, "--heartbeat takes INTERVAL[,TIMEOUT] or off, not '1s,2s,3s'" },
        { "bench echo --target 127.0.0.1:1 --clients many", null, null, "--clients must be a whole number, not 'many'" },
        { "bench echo --target 127.0.0.1", null, null, "--target: no port given for 127.0.0.1" },
        { "bench yell --target 127.0.0.1:1", null, null, "SCENARIO must be one of pingpong, echo, fanout, connections, not 'yell'" },
        // the root
        { "servee", null, null, "'servee' is not a command. Did you mean 'serve'?" },
        { "completion fish", null, null, "SHELL must be one of bash, zsh, not 'fish'" },
        // serve: flags
        { "serve --port 70000", null, null, "--port must be a number from 0 to 65535, not '70000'" },
        { "serve --host 1.2.3.4", null, null, "is not an address of this machine" },
        { "serve --port 0 --tls-port 0", null, null, "--tls-port needs --cert and --key" },
        { "serve --port 0 --tls-port 0 --cert /nonexistent/c.pem --key /nonexistent/k.pem", null, null, "no file at /nonexistent/c.pem" },
        { "serve --no-tcp", null, null, "nothing to listen on" },
        { "serve --client-ca /etc/hostname", null, null, "--client-ca (Chat:ClientCaFile) needs --tls-port" },
        { "serve --port 0 --tls-port 0 --cert /etc/hostname --key /etc/hostname --client-ca /nonexistent/ca.pem", null, null, "--client-ca (Chat:ClientCaFile): no file at /nonexistent/ca.pem" },
        { "serve --tls-min 1.4", null, null, "--tls-min must be 1.2 or 1.3, not '1.4'" },
        { "serve --data /dev/null", null, null, "--data /dev/null is a file, not a directory" },
        { "serve --idle-timeout forever", null, null, "--idle-timeout: 'forever' is not a duration" },
        { "serve --config /nonexistent/settings.json", null, null, "--config: no file at /nonexistent/settings.json" },
        { "serve --oper-secret-file /nonexistent/secret", null, null, "--oper-secret-file (Chat:OperatorSecretFile): no file at /nonexistent/secret" },
        // serve: environment
        { "serve", "SWITCHBOARD_Chat__Port=70000", null, "Chat:Port (from SWITCHBOARD_Chat__Port) must be from 0 to 65535, not 70000" },
        { "serve", "SWITCHBOARD_Chat__IdleTimeout=30x", null, "Chat:IdleTimeout (from SWITCHBOARD_Chat__IdleTimeout) must be a duration" },
        { "serve", "SWITCHBOARD_Chat__IdleTimeout=0", null, "Chat:IdleTimeout (from SWITCHBOARD_Chat__IdleTimeout) must be more than 0" },
        { "serve", "SWITCHBOARD_Chat__MaxConnections=-5", null, "Chat:MaxConnections (from SWITCHBOARD_Chat__MaxConnections) must be at least 1, not -5" },
        { "serve", "SWITCHBOARD_Chat__MaxRooms=0", null, "Chat:MaxRooms (from SWITCHBOARD_Chat__MaxRooms) must be at least 1, not 0" },
        { "serve", "SWITCHBOARD_Chat__MaxConnections=lots", null, "Chat:MaxConnections (from SWITCHBOARD_Chat__MaxConnections) must be a whole number, not 'lots'" },
        { "serve", "SWITCHBOARD_Chat__Durability=fast", null, "Chat:Durability (from SWITCHBOARD_Chat__Durability) must be one of full, normal, not 'fast'" },
        { "serve", "SWITCHBOARD_Chat__Host=1.2.3.4", null, "Chat:Host (from SWITCHBOARD_Chat__Host) 1.2.3.4 is not an address of this machine" },
        { "serve", "SWITCHBOARD_Chat__EnableTcp=maybe", null, "must be true or false, not 'maybe'" },
        // serve: appsettings.json in the current directory
        { "serve", null, """{ "Chat": { "RateLimitPerSecond": 0 } }""", "Chat:RateLimitPerSecond must be more than 0" },
        { "serve", null, """{ "Chat": { "ReplyTimeout": "soon" } }""", "Chat:ReplyTimeout must be a duration" },
        { "serve", null, """{ "Chat": { "LineTimeout": "00:00:00" } }""", "Chat:LineTimeout must be more than 0" },
        { "serve", null, """{ "Chat": { "TlsPort": 99999 } }""", "--tls-port (Chat:TlsPort) must be from 0 to 65535, not 99999" },
        { "serve", null, """{ "Chat": { "MaxLineLength": -1 } }""", "Chat:MaxLineLength must be at least 1, not -1" },
        { "serve", "SWITCHBOARD_Chat__HardLimit=1048576", null, "Chat:HardLimit (from SWITCHBOARD_Chat__HardLimit) must be at least Chat:SoftLimit (8388608 bytes), not 1048576" },
        { "serve", null, """{ "Chat": { "SoftLimitTime": "00:00:00" } }""", "Chat:SoftLimitTime must be more than 0" },
        { "serve", null, """{ "Chat": { "StorageQuotaPerAddress": -1 } }""", "Chat:StorageQuotaPerAddress must be at least 0, not -1" },
        { "serve", null, """{ "Chat": { "Port": 1 """, "Failed to load configuration from file" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_one_line_in_the_users_words_and_exit_2(string commandLine, string? variable, string? appsettings, string message)
    {
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "data");
        // serve would create $XDG_DATA_HOME/switchboard; nothing may be created before every value is checked.
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = data };
        if (variable is not null)
        {
            var equals = variable.IndexOf('=');
            environment[variable[..equals]] = variable[(equals + 1)..];
        }

        if (appsettings is not null)
        {
            folder.File("appsettings.json", appsettings);
        }

        var (exit, stdout, stderr) = await SwitchboardCli.RunAsync(commandLine.Split(' '), environment, workingDirectory: folder.Path);

        Assert.True(exit == 2, $"exit {exit}, expected 2 (bad usage).\nstderr:\n{stderr}");
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
        var lines = stderr.TrimEnd('\n').Split('\n');
        // One or two lines about the problem, and at most the pointer to --help.
        Assert.True(lines.Count(l => !l.StartsWith("Run 'switchboard", StringComparison.Ordinal)) <= 2, $"more than two lines:\n{stderr}");
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Switchboard.", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "serve created its data directory before checking its settings");
    }
}
