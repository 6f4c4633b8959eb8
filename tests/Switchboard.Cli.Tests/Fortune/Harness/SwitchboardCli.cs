using System.Text.RegularExpressions;

namespace Switchboard.Cli.Tests.Fortune.Harness;

/// <summary>Runs the built <c>switchboard</c> CLI as a separate process, as a user would.</summary>
internal static partial class SwitchboardCli
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    public static PeerProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "switchboard.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project should reference Switchboard.Cli.");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return PeerProcess.Start(dotnet, ["exec", dll, .. arguments], environment);
    }

    /// <summary>Runs a command to the end: exit code, stdout, stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using PeerProcess process = Start(arguments, environment);
        int exit = await process.WaitForExitAsync(RunTimeout);

        // The exit event can come before the last output line has been delivered.
        await Task.Delay(50);
        return (exit, process.Stdout, process.Stderr);
    }

    /// <summary>Starts <c>switchboard fortune serve</c> and waits for the "listening on" line.</summary>
    public static async Task<ServeProcess> ServeAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        PeerProcess process = Start(["fortune", "serve", .. arguments], environment);
        try
        {
            await process.WaitUntilAsync(() => Listening().IsMatch(process.Stderr), TimeSpan.FromSeconds(30), "\"listening on\" line");
            Match match = Listening().Match(process.Stderr);
            return new ServeProcess(process, match.Groups["kind"].Value, match.Groups["where"].Value);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex(@"listening on (?<kind>tcp|unix) (?<where>\S+) \(")]
    private static partial Regex Listening();
}

/// <summary>A running fortune server of ours and where it listens.</summary>
internal sealed class ServeProcess(PeerProcess process, string kind, string where) : IAsyncDisposable
{
    public PeerProcess Process { get; } = process;

    public string Kind { get; } = kind;

    /// <summary>"127.0.0.1:PORT" for TCP, the socket path for a local socket.</summary>
    public string Where { get; } = where;

    public int Port => int.Parse(Where[(Where.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
