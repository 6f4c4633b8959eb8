using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>
/// The terminal client on a real pseudo-terminal (util-linux's <c>script</c>): a line arriving while the user is
/// typing is printed above the input line, and the half-typed input is drawn again, intact.
/// </summary>
public sealed class ChatTerminalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Incoming_lines_do_not_garble_the_line_being_typed()
    {
        var script = Peers.Require("script", "util-linux");
        await using var server = await TestServer.StartAsync();
        var command = $"dotnet {SwitchboardCli.DllPath} chat 127.0.0.1:{server.Port} --nick typist";
        // other is in the lobby first, so the typist's nick change cannot happen before it is there to see it.
        await using var other = await server.JoinAsync("other");
        using var terminal = ChildProcess.Start(script, ["-qfec", command, "/dev/null"]);
        await other.WaitForContainsAsync("is now known as typist", Timeout);

        await terminal.WriteRawAsync("half-typed");
        await terminal.WaitForOutputAsync(l => l.Contains("> half-typed", StringComparison.Ordinal), Timeout, "the echo of the typed text");
        await other.SendLineAsync("incoming while typing");
        var shown = await terminal.WaitForOutputAsync(l => l.Contains("<other> incoming while typing", StringComparison.Ordinal), Timeout, "the incoming line");

        // Finish the line. The message sent is the whole input, and every redraw ended by the next one's CR is
        // readable here.
        await terminal.WriteRawAsync("! and finished\r");
        await other.WaitForContainsAsync("<typist> half-typed! and finished", Timeout);
        await terminal.WaitForOutputAsync(l => l.Contains("> half-typed! and finished", StringComparison.Ordinal), Timeout, "the finished input");

        // The incoming line starts on a cleared row (CR, then erase-line; the reader splits lines at the CR), and
        // the half-typed input is drawn again right after it, before the next key.
        var all = string.Join("\n", terminal.Output);
        var at = all.IndexOf("<other> incoming while typing", StringComparison.Ordinal);
        Assert.Contains("half-typed\n\u001b[2K", all[..at][^60..], StringComparison.Ordinal);
        var after = all[at..];
        var redrawn = after.IndexOf("> half-typed\n", StringComparison.Ordinal);
        Assert.True(redrawn > 0 && redrawn < after.IndexOf("> half-typed!", StringComparison.Ordinal), "the input was not redrawn after the incoming line:\n" + after);
        Assert.NotNull(shown);
    }
}
