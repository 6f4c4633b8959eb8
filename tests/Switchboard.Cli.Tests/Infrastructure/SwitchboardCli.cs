using System.Globalization;

namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>Runs the built <c>switchboard</c> CLI (switchboard.dll next to the tests) as a separate process, as a user would.</summary>
public static class SwitchboardCli
{
    private const string ListeningPattern = @"listening on (?<kind>tcp|unix) (?<where>\S+) \(";

    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    public static ExternalProcess Start(params string[] arguments) => Start(arguments, environment: null);

    public static ExternalProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, bool closeInput = false, string? workingDirectory = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "switchboard.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project should reference Switchboard.Cli.");
        return ExternalProcess.Start("dotnet", [dll, .. WithConnectPatience([.. arguments])], environment, workingDirectory, closeInput: closeInput);
    }

    /// <summary>
    /// <c>connect</c> gets a test-sized connect timeout unless the test gives one: the default 3 s covers the proxy
    /// and TLS handshakes too, which a fresh process on a loaded machine (compiling that code first) can take longer
    /// over. A test about the timeout itself names it (-w/--timeout) and keeps it. With --udp the timeout is how
    /// long to wait for replies, not a connect timeout: left alone.
    /// </summary>
    private static string[] WithConnectPatience(string[] arguments)
        => arguments is ["connect", ..] && !arguments.Any(a => a is "-w" or "--timeout" or "-h" or "--help" or "--udp" || a.StartsWith("--timeout=", StringComparison.Ordinal))
            ? [.. arguments, "--timeout", "30s"]
            : arguments;

    /// <summary>Runs a command to the end, with an empty stdin: exit code, stdout, stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        await using var process = Start(arguments, environment, closeInput: true, workingDirectory);
        var exit = await process.WaitForExitAsync(RunTimeout);
        return (exit, process.Stdout, process.Stderr);
    }

    /// <summary>Starts <c>switchboard listen</c> on an ephemeral port and reads the port it reports.</summary>
    public static async Task<(ExternalProcess Process, int Port)> ListenAsync(params string[] arguments)
    {
        var process = Start(["listen", "--port", "0", .. arguments]);
        var match = await process.WaitForLineAsync(@"listening on \w+ 127\.0\.0\.1:(\d+)", stderr: true);
        return (process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    public static async Task<ExternalProcess> ListenUnixAsync(string path, params string[] arguments)
    {
        var process = Start(["listen", "--unix", path, .. arguments]);
        await process.WaitForLineAsync(@"listening on unix", stderr: true);
        return process;
    }

    /// <summary>Starts <c>switchboard fortune serve</c> and waits for the "listening on" line.</summary>
    public static async Task<ServeProcess> ServeAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = Start(["fortune", "serve", .. arguments], environment, closeInput: true);
        try
        {
            var match = await process.WaitForLineAsync(ListeningPattern, stderr: true, timeout: TimeSpan.FromSeconds(30));
            return new ServeProcess(process, match.Groups["kind"].Value, match.Groups["where"].Value);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A running fortune server of ours and where it listens.</summary>
public sealed class ServeProcess(ExternalProcess process, string kind, string where) : IAsyncDisposable
{
    public ExternalProcess Process { get; } = process;

    public string Kind { get; } = kind;

    /// <summary>"127.0.0.1:PORT" for TCP, the socket path for a local socket.</summary>
    public string Where { get; } = where;

    public int Port => int.Parse(Where[(Where.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
