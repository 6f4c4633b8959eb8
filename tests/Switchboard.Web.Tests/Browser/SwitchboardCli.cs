using System.Net;
using System.Text.RegularExpressions;

namespace Switchboard.Web.Tests.Browser;

/// <summary>Runs the real <c>switchboard</c> command (built beside the tests) as a separate process.</summary>
internal static partial class SwitchboardCli
{
    public static ExternalProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts it with extra environment variables (configuration such as SWITCHBOARD_Web__...).</summary>
    public static ExternalProcess Start(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "switchboard.dll");
        return ExternalProcess.Start("dotnet", environment, [dll, .. args]);
    }

    /// <summary>Starts <c>switchboard listen --port 0 --mode echo</c> on loopback and returns it with its port.</summary>
    public static async Task<(ExternalProcess Process, int Port)> StartEchoAsync()
    {
        var process = Start("listen", "--host", "127.0.0.1", "--port", "0", "--mode", "echo");
        try
        {
            var match = await process.WaitForStderrAsync(ListeningLine(), TimeSpan.FromSeconds(30));
            return (process, int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    [GeneratedRegex(@"listening on \S+ 127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
