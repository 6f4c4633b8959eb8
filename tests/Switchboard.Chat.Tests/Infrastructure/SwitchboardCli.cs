using System.Text.RegularExpressions;

namespace Switchboard.Chat.Tests.Infrastructure;

/// <summary>Starts the real CLI (switchboard.dll built next to the tests) as a child process.</summary>
internal static partial class SwitchboardCli
{
    public static string DllPath
    {
        get
        {
            // The CLI project is referenced, so its dll and runtimeconfig land in the test output.
            var local = Path.Combine(AppContext.BaseDirectory, "switchboard.dll");
            if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "switchboard.runtimeconfig.json")))
            {
                return local;
            }

            throw new FileNotFoundException($"switchboard.dll with its runtimeconfig is not in {AppContext.BaseDirectory}; build src/Switchboard.Cli");
        }
    }

    public static ChildProcess Start(string[] arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
        => ChildProcess.Start("dotnet", [DllPath, .. arguments], environment, workingDirectory);

    /// <summary>Starts <c>switchboard serve</c> and waits for its "chat listening on tcp ADDRESS:PORT" line.</summary>
    public static async Task<(ChildProcess Process, int Port)> StartServerAsync(string dataDirectory, int port = 0, IDictionary<string, string>? environment = null, string? workingDirectory = null, string[]? moreArguments = null)
    {
        var process = Start(["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", dataDirectory, .. moreArguments ?? []], environment, workingDirectory);
        try
        {
            var line = await process.WaitForErrorAsync(l => l.StartsWith("chat listening on tcp ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "serve's listening line");
            var match = PortPattern().Match(line);
            return (process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    [GeneratedRegex(@":(\d+)$")]
    private static partial Regex PortPattern();
}

/// <summary>Third-party programs the tests talk to. A missing one fails the test, naming its Debian package.</summary>
internal static class Peers
{
    public static string Require(string program, string debianPackage)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var path = Path.Combine(directory, program);
            if (File.Exists(path))
            {
                return path;
            }
        }

        Assert.Fail($"'{program}' is not installed: apt-get install -y {debianPackage}");
        return program;
    }
}
