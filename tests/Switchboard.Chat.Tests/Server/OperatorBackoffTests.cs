using System.Net;
using System.Text;
using Switchboard.Chat.Commands;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Server;

public sealed class OperatorBackoffTests
{
    private static readonly IPAddress Alice = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Bob = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void A_failure_blocks_even_the_right_secret_for_a_delay_that_doubles()
    {
        var clock = new ManualClock();
        var gate = new OperatorGate("hunter2", clock);
        var connection = new object();

        Assert.Equal(OperResult.Refused, gate.TryOper(connection, Alice, "wrong", out var wait, out _));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(OperResult.BackingOff, gate.TryOper(connection, Alice, "hunter2", out _, out _));
        // Another connection from the same address waits too.
        Assert.Equal(OperResult.BackingOff, gate.TryOper(new object(), Alice, "hunter2", out _, out _));
        // Another address does not.
        Assert.Equal(OperResult.Refused, gate.TryOper(new object(), Bob, "wrong", out _, out _));

        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(OperResult.Refused, gate.TryOper(connection, Alice, "wrong", out wait, out var failures));
        Assert.Equal(TimeSpan.FromSeconds(2), wait);
        Assert.Equal(2, failures);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(OperResult.Refused, gate.TryOper(connection, Alice, "wrong", out wait, out _));
        Assert.Equal(TimeSpan.FromSeconds(4), wait);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(OperResult.BackingOff, gate.TryOper(connection, Alice, "hunter2", out wait, out _));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(OperResult.Granted, gate.TryOper(connection, Alice, "hunter2", out _, out _));
    }

    [Fact]
    public void The_delay_is_capped_and_the_secret_file_is_read_without_its_newline()
    {
        var clock = new ManualClock();
        var gate = new OperatorGate("s", clock);
        var wait = TimeSpan.Zero;
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(OperResult.Refused, gate.TryOper(new object(), IPAddress.IPv6Loopback, "x", out wait, out _));
            clock.Advance(wait);
        }

        Assert.Equal(OperatorGate.MaxDelay, wait);

        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "oper-secret");
        File.WriteAllText(file, "from a file\n");
        var fromFile = OperatorGate.FromOptions(new ChatServerOptions { OperatorSecret = "ignored", OperatorSecretFile = file });
        Assert.Equal(OperResult.Granted, fromFile.TryOper(new object(), Alice, "from a file", out _, out _));
    }

    [Fact]
    public async Task Over_the_wire_the_right_secret_waits_out_the_backoff_and_failures_are_logged_sparingly()
    {
        var log = new RecordingLogger();
        using var factory = log.CreateFactory();
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "oper-secret");
        await File.WriteAllTextAsync(file, "hunter2\n");
        await using var server = await TestServer.StartAsync(o => o.OperatorSecretFile = file, loggerFactory: factory);
        await using var guesser = await server.JoinAsync("guesser");

        // A wrong guess and the right secret in one write: the second is read at once, well within the 1 s back-off.
        await guesser.SendAsync(Encoding.UTF8.GetBytes("/oper wrong\n/oper hunter2\n"));
        await guesser.WaitForContainsAsync("ERR bad-secret wrong operator secret; try again in 1 s");
        await guesser.WaitForContainsAsync("ERR oper-backoff");
        Assert.DoesNotContain(guesser.Lines, l => l.Contains("you are now an operator", StringComparison.Ordinal));

        // 30 more guesses as fast as they go: checked at most once (the first back-off is not over), logged once.
        var burst = string.Concat(Enumerable.Range(0, 30).Select(i => $"/oper guess{i}\n"));
        await guesser.SendAsync(Encoding.UTF8.GetBytes(burst + "/ping\n"));
        await guesser.WaitForContainsAsync("pong");
        Assert.InRange(log.Count(9), 1, 2);

        await OperatorTests.OperAsync(guesser, "hunter2");
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
