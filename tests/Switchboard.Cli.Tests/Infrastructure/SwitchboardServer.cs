using System.Globalization;

namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>Starts <c>switchboard listen</c> on an ephemeral port and reads the port it reports.</summary>
public static class SwitchboardServer
{
    public static async Task<(ExternalProcess Process, int Port)> ListenAsync(params string[] arguments)
    {
        var process = ExternalProcess.Switchboard(["listen", "--port", "0", .. arguments]);
        var match = await process.WaitForLineAsync(@"listening on \w+ 127\.0\.0\.1:(\d+)", stderr: true);
        return (process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    public static async Task<ExternalProcess> ListenUnixAsync(string path, params string[] arguments)
    {
        var process = ExternalProcess.Switchboard(["listen", "--unix", path, .. arguments]);
        await process.WaitForLineAsync(@"listening on unix", stderr: true);
        return process;
    }
}
