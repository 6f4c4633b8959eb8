using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

public sealed class RetentionTests
{
    [Fact]
    public async Task Messages_older_than_the_retention_leave_the_history()
    {
        await using var server = await TestServer.StartAsync(o => o.HistoryRetention = "2s");
        await using var ann = await server.JoinAsync("ann");
        await ann.SendLineAsync("fleeting");
        await ann.SendLineAsync("/history 10");
        await ann.WaitForContainsAsync("<ann> fleeting");
        // The newest message always stays (ids resume after it); this one is the one to outlive "fleeting".
        await Task.Delay(100);
        await server.Server.AnnounceAsync("newest");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var history = await server.Server.GetHistoryAsync("lobby");
            if (history.All(m => m.Text != "fleeting"))
            {
                Assert.Equal("newest", Assert.Single(history).Text);
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the message outlived its retention by far");
            await Task.Delay(250);
        }
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 3600)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("90m", 90 * 60)]
    [InlineData("1.00:00:00", 24 * 3600)]
    public void Retention_reads_days_hours_minutes_and_timespans(string text, int seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), new ChatServerOptions { HistoryRetention = text }.ParseHistoryRetention());

    [Fact]
    public async Task A_bad_retention_is_refused_before_anything_opens()
    {
        var server = new ChatServer(new ChatServerOptions { Port = 0, HistoryRetention = "forever", DataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-never-created-" + Guid.NewGuid().ToString("N")) });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.Contains("HistoryRetention", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(server.Options.DataDirectory));
        await server.DisposeAsync();
    }
}
