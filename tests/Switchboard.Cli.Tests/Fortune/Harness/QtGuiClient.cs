using System.Text.Json;

using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Fortune.Harness;

/// <summary>What one of Qt's GUI fortune clients showed: its labels, and any error boxes.</summary>
internal sealed record QtGuiResult(string[] Labels, string[] Dialogs);

/// <summary>
/// Runs one of Qt's own GUI fortune clients in a private Xvfb display and D-Bus session, fills in its form and
/// presses "Get Fortune" through the accessibility bus (scripts/qt_gui_fortune_client.py), and returns what it shows.
/// </summary>
internal static class QtGuiClient
{
    public static async Task<QtGuiResult> GetFortuneAsync(string program, string[] form)
    {
        string python = Peers.Python;
        string dbus = Peers.DbusRunSession;
        string driver = Peers.Script("qt_gui_fortune_client.py");

        // A fresh runtime folder each time: the accessibility bus leaves its socket there, and a stale one breaks the next run.
        using var runtime = new TempFolder();
        await using ExternalProcess xvfb = ExternalProcess.Start(Peers.Xvfb, ["-displayfd", "1", "-nolisten", "tcp"], closeInput: true);
        string display = (await xvfb.WaitForLineAsync(@"^\d+$", timeout: TimeSpan.FromSeconds(30))).Value;

        var environment = new Dictionary<string, string>
        {
            ["DISPLAY"] = $":{display}",
            ["XDG_RUNTIME_DIR"] = runtime.Path,
            ["TMPDIR"] = runtime.Path,
        };
        await using ExternalProcess session = ExternalProcess.Start(dbus, ["--", python, driver, program, .. form, "--timeout-s", "60"], environment, closeInput: true);
        int exit = await session.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"driving {Path.GetFileName(program)} failed with exit {exit}.\nstdout: {session.Stdout}\nstderr: {session.Stderr}");
        string json = session.Stdout.Split('\n').Last(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<QtGuiResult>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }
}
