using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Usage;

/// <summary><c>Logging:Console:FormatterName=json</c>: every log event is one JSON object per line on stderr.</summary>
public sealed class JsonLoggingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> Json = new() { ["SWITCHBOARD_Logging__Console__FormatterName"] = "json" };

    [Fact]
    public async Task Serve_logs_json_lines()
    {
        using var folder = new TempFolder();
        await using var serve = SwitchboardCli.Start(["serve", "--port", "0", "--no-web", "--data", Path.Combine(folder.Path, "data")], Json, workingDirectory: folder.Path);
        await serve.WaitForLineAsync(@"^\{.*""Category"":""Switchboard\.Net\.SwitchboardListener"".*Listening", stderr: true, timeout: Timeout);
        serve.Signal(15);
        await serve.WaitForExitAsync(Timeout);
        var events = ParseEvents(serve.Stderr);
        Assert.Contains(events, e => e.Category == "Switchboard.Chat.ChatServer" && e.Message.Contains("Chat server stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listen_logs_json_lines()
    {
        await using var listen = SwitchboardCli.Start(["listen", "0"], Json);
        await listen.WaitForLineAsync(@"^\{.*""Category"":""Switchboard\.Net\.SwitchboardListener"".*Listening", stderr: true, timeout: Timeout);
        listen.Signal(15);
        await listen.WaitForExitAsync(Timeout);
        var events = ParseEvents(listen.Stderr);
        Assert.Contains(events, e => e.Category == "Switchboard.Net.SwitchboardListener" && e.Message.StartsWith("Listening", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_format_is_refused_before_anything_starts()
    {
        using var folder = new TempFolder();
        await using var serve = SwitchboardCli.Start(["serve", "--port", "0", "--no-web", "--data", Path.Combine(folder.Path, "data")], new Dictionary<string, string> { ["SWITCHBOARD_Logging__Console__FormatterName"] = "xml" }, workingDirectory: folder.Path);
        Assert.Equal(2, await serve.WaitForExitAsync(Timeout));
        Assert.Contains("Logging:Console:FormatterName must be one of simple, json, systemd, not 'xml'", serve.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "data")));
    }

    /// <summary>Every log line parsed; the plain "listening on" lines the commands print are not log events.</summary>
    private static List<(string Category, string Message)> ParseEvents(string stderr)
    {
        var events = new List<(string, string)>();
        foreach (var line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // Nothing in the simple format ("2026-12-02 10:00:00 info: ...") may be left.
            Assert.DoesNotMatch(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (trce|dbug|info|warn|fail|crit):"), line);
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            // The date is there, as ISO 8601.
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("Timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var time), line);
            Assert.True(time.Year >= 2024, line);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("LogLevel").GetString()), line);
            events.Add((root.GetProperty("Category").GetString()!, root.GetProperty("Message").GetString()!));
        }

        Assert.NotEmpty(events);
        return events;
    }
}
