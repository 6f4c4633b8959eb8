using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Processes;

/// <summary><c>switchboard serve</c> as a process: configuration from the environment, graceful SIGTERM.</summary>
public sealed class ServeCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_tells_clients_flushes_the_store_and_exits_cleanly()
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string> { ["SWITCHBOARD_OPER_SECRET"] = "from-env", ["SWITCHBOARD_Chat__JoinReplayCount"] = "5" };
        var (server, port) = await SwitchboardCli.StartServerAsync(data.Path, environment: environment);
        using (server)
        {
            await using var alice = await LineClient.ConnectAsync(port);
            await alice.SendLineAsync("/nick alice");
            await alice.SendLineAsync("/oper from-env");
            await alice.WaitForContainsAsync("you are now an operator");
            await alice.SendLineAsync("last words before shutdown");
            // Order the line before the signal: one still in the socket when SIGTERM lands is not the server's yet,
            // and shutdown rightly stops reading. The /history answer comes after the line has been taken.
            await alice.SendLineAsync("/history 1");
            await alice.WaitForContainsAsync("<alice> last words before shutdown");

            Assert.Equal(0, await server.TerminateAsync(Timeout));
            await alice.WaitForContainsAsync("*** server shutting down");
            await alice.WaitClosedAsync();
            Assert.Contains("Chat server stopped; store flushed", server.Errors, StringComparison.Ordinal);
        }

        var (again, port2) = await SwitchboardCli.StartServerAsync(data.Path);
        using (again)
        {
            await using var bob = await LineClient.ConnectAsync(port2);
            // The join replay shows the line committed before the shutdown.
            await bob.WaitForContainsAsync("<alice> last words before shutdown");
        }
    }

    [Fact]
    public async Task Appsettings_json_configures_and_the_environment_overrides_it()
    {
        using var data = new TempDirectory();
        File.WriteAllText(Path.Combine(data.Path, "appsettings.json"), """{ "Chat": { "OperatorSecret": "from-file", "JoinReplayCount": 0, "Host": "127.0.0.1" } }""");
        var environment = new Dictionary<string, string> { ["SWITCHBOARD_Chat__OperatorSecret"] = "from-env" };
        var (server, port) = await SwitchboardCli.StartServerAsync(Path.Combine(data.Path, "db"), environment: environment, workingDirectory: data.Path);
        using (server)
        {
            await using var client = await LineClient.ConnectAsync(port);
            await client.SendLineAsync("/oper from-file");
            await client.WaitForContainsAsync("ERR bad-secret");
            // The failure above starts a back-off; the right secret is accepted once it is over.
            await Server.OperatorTests.OperAsync(client, "from-env");
        }
    }

    [Fact]
    public async Task The_operator_secret_can_come_from_a_file_and_wins_over_the_environment()
    {
        using var data = new TempDirectory();
        var secret = Path.Combine(data.Path, "oper-secret");
        File.WriteAllText(secret, "from-secret-file\n");
        var environment = new Dictionary<string, string> { ["SWITCHBOARD_OPER_SECRET"] = "from-env" };
        var (server, port) = await SwitchboardCli.StartServerAsync(Path.Combine(data.Path, "db"), environment: environment, moreArguments: ["--oper-secret-file", secret]);
        using (server)
        {
            await using var client = await LineClient.ConnectAsync(port);
            await client.SendLineAsync("/oper from-secret-file");
            await client.WaitForContainsAsync("you are now an operator");
        }
    }

    [Fact]
    public async Task A_port_in_use_fails_with_a_clear_message()
    {
        using var data = new TempDirectory();
        await using var taken = await TestServer.StartAsync();
        using var server = SwitchboardCli.Start(["serve", "--port", taken.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data.Path]);
        Assert.Equal(7, await server.WaitForExitAsync(Timeout));
        Assert.Contains("already in use", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_serve_on_the_same_data_directory_refuses_to_start_and_the_first_carries_on()
    {
        using var data = new TempDirectory();
        var (first, port) = await SwitchboardCli.StartServerAsync(data.Path);
        using (first)
        {
            await using var alice = await LineClient.ConnectAsync(port);
            await alice.SendLineAsync("/nick alice");
            await alice.SendLineAsync("before the second server");
            await alice.SendLineAsync("/history 1");
            await alice.WaitForContainsAsync("<alice> before the second server");

            using var second = SwitchboardCli.Start(["serve", "--port", "0", "--data", data.Path]);
            Assert.Equal(1, await second.WaitForExitAsync(Timeout));
            var refusal = Assert.Single(second.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.Contains("used by another running switchboard server", StringComparison.Ordinal));
            Assert.Contains(data.Path, refusal, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", second.Errors, StringComparison.Ordinal);

            await alice.SendLineAsync("after the refusal");
            await alice.SendLineAsync("/history 2");
            await alice.WaitForContainsAsync("<alice> after the refusal");
            Assert.Equal(0, await first.TerminateAsync(Timeout));
        }
    }
}
