using System.Text.RegularExpressions;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Processes;

/// <summary>
/// The terminal client, left running across a server restart, reconnects by itself, shows the line sent while it
/// was away, and shows no line twice.
/// </summary>
public sealed partial class ChatClientReconnectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Chat_client_resumes_after_a_restart_without_losing_or_repeating_lines()
    {
        using var data = new TempDirectory();
        var (first, port) = await SwitchboardCli.StartServerAsync(data.Path);
        ChildProcess? away = null;
        ChildProcess? back = null;
        using var chat = SwitchboardCli.Start(["chat", $"127.0.0.1:{port}", "--nick", "watcher"]);
        try
        {
            await using (var talker = await LineClient.ConnectAsync(port))
            {
                await talker.SendLineAsync("/nick talker");
                await WaitUntilPresentAsync(talker, "watcher");
                await talker.SendLineAsync("before the restart");
                await chat.WaitForOutputAsync(l => l.EndsWith("#lobby <talker> before the restart", StringComparison.Ordinal), Timeout, "the line before the restart");
            }

            // The server goes away hard; the client must notice and start retrying.
            first.Kill();
            await chat.WaitForOutputAsync(l => l.Contains("reconnecting", StringComparison.Ordinal) || l.Contains("retrying", StringComparison.Ordinal), Timeout, "the client noticing the outage");

            // While the client cannot reach its port, another server on the same data takes a line.
            (away, var awayPort) = await SwitchboardCli.StartServerAsync(data.Path);
            await using (var talker = await LineClient.ConnectAsync(awayPort))
            {
                await talker.SendLineAsync("/nick talker");
                await talker.WaitForContainsAsync("is now known as talker");
                await talker.SendLineAsync("said while you were away");
                await talker.SendLineAsync("/history 1");
                await talker.WaitForContainsAsync("<talker> said while you were away");
            }

            Assert.Equal(0, await away.TerminateAsync(Timeout));

            // The server comes back on the client's port.
            (back, _) = await SwitchboardCli.StartServerAsync(data.Path, port);
            await chat.WaitForOutputAsync(l => l.EndsWith("#lobby <talker> said while you were away", StringComparison.Ordinal), Timeout, "the line sent while the client was away");
            await using (var talker = await LineClient.ConnectAsync(port))
            {
                await talker.SendLineAsync("/nick talker");
                await WaitUntilPresentAsync(talker, "watcher");
                await talker.SendLineAsync("after the restart");
            }

            await chat.WaitForOutputAsync(l => l.EndsWith("#lobby <talker> after the restart", StringComparison.Ordinal), Timeout, "the line after the restart");

            // Lines the client typed go out with its nick, too.
            await chat.WriteLineAsync("watcher was here");
            await chat.WaitForOutputAsync(l => l.EndsWith("#lobby <watcher> watcher was here", StringComparison.Ordinal), Timeout, "the client's own line");

            var messages = chat.Output.Where(l => MessageLine().IsMatch(l)).ToList();
            var repeated = messages.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(repeated.Count == 0, "shown twice:\n" + string.Join("\n", repeated) + "\nall output:\n" + string.Join("\n", chat.Output));
        }
        finally
        {
            first.Dispose();
            away?.Dispose();
            back?.Dispose();
        }
    }

    private static async Task WaitUntilPresentAsync(LineClient client, string nick)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var before = client.Lines.Count;
            await client.SendLineAsync("/who lobby");
            // Only an answer to this /who counts: an earlier one can read exactly the same.
            var who = await client.WaitForAsync(l => l.Contains("#lobby (", StringComparison.Ordinal), Timeout, "a /who answer", fromIndex: before);
            if (Regex.IsMatch(who, $@"\b{nick}\b"))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{nick} never appeared in the lobby: {who}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d #\w+ <\w+> ")]
    private static partial Regex MessageLine();
}
