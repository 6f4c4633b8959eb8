using System.Globalization;
using System.Text;
using OpenQA.Selenium;
using Switchboard.Net;
using Switchboard.Net.Framing;
using Switchboard.Web.Tests.Browser;

namespace Switchboard.Web.Tests.Pages;

/// <summary>
/// The server page's "Start new listener" over TLS (the server's certificate) and over a Unix socket (only under the
/// directories the operator listed), over a real chat server, with real clients of ours connecting to what it started.
/// </summary>
public sealed class ServerPageListenerTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tls_listener_started_from_the_page_presents_the_servers_certificate_and_lists_its_client()
    {
        TestCertificates? certificates = null;
        await using var fixture = await ChatConsoleFixture.StartAsync(chatOptions: (o, data) =>
        {
            certificates = TestCertificates.Write(data);
            o.CertificateFile = certificates.CertificateFile;
            o.KeyFile = certificates.KeyFile;
        });
        using var browser = OpenServerPage(fixture);
        Assert.True(browser.Find("#add-transport option[value='tls']").Enabled, "TLS is offered when the server has a certificate");
        Assert.DoesNotContain("TLS", browser.Find("#add-note").Text, StringComparison.Ordinal);

        browser.Select("#add-transport", "tls");
        browser.Select("#add-address", "127.0.0.1");
        browser.Type("#add-port", "0");
        browser.Click("#add-start");

        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr[data-name='tls']").Count == 1, "the new TLS listener in the table");
        var cells = browser.Find("#listeners tbody tr[data-name='tls']").FindElements(By.CssSelector("td"));
        Assert.Equal("tls", cells[1].Text);
        Assert.Equal("127.0.0.1", cells[2].Text);
        Assert.Equal("yes", cells[4].Text);
        var port = int.Parse(cells[3].Text, CultureInfo.InvariantCulture);
        Assert.NotEqual(0, port);

        // Our client, trusting only the test CA and checking the name: the handshake succeeds only with the
        // certificate serve was configured with.
        var tls = new ClientTlsOptions { CaFile = certificates!.CaFile, ServerName = "localhost" };
        await using var client = await SwitchboardConnection.ConnectTcpAsync("127.0.0.1", port, new ClientOptions { ConnectTimeout = Patience, Tls = tls });
        Assert.Equal(TransportKind.Tls, client.TransportKind);
        await ReadUntilAsync(client.CreateReader(new LineReader()), "Welcome");
        await client.SendAsync(LineWriter.Lf, "/nick tlsuser");

        browser.WaitUntil(() => SessionRow(browser, "tlsuser") is { } row && row.FindElement(By.CssSelector("td.transport")).Text == "tls", "the TLS client in the connections table", 30);
        browser.WaitUntil(() => browser.Find("#st-icon").GetAttribute("data-state") == "clients", "the status icon saying clients are connected");
    }

    [Fact]
    public async Task Without_a_certificate_or_allowed_directories_tls_and_unix_are_disabled_with_the_reason_and_refused()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var browser = OpenServerPage(fixture);
        Assert.False(browser.Find("#add-transport option[value='tls']").Enabled, "TLS without a certificate");
        Assert.False(browser.Find("#add-transport option[value='unix']").Enabled, "Unix sockets without an allowed directory");
        Assert.True(browser.Find("#add-transport option[value='tcp']").Enabled);
        var note = browser.Find("#add-note").Text;
        Assert.Contains("TLS: the server has no certificate (start serve with --cert and --key)", note, StringComparison.Ordinal);
        Assert.Contains("Unix sockets: no directory is allowed for them (Web:ListenerUnixDirectories)", note, StringComparison.Ordinal);

        // A tampered page (or a script) asks anyway: the console refuses before the server binds anything.
        browser.Driver.ExecuteScript("for (const o of document.querySelectorAll('#add-transport option')) o.disabled = false;");
        browser.Select("#add-transport", "tls");
        browser.Click("#add-start");
        browser.WaitUntil(() => browser.Find("#result").Text == "add: the server has no certificate (start serve with --cert and --key)", "the TLS refusal");

        var socket = Path.Combine(fixture.Data, "chat.sock");
        browser.Select("#add-transport", "unix");
        browser.Type("#add-path", socket);
        browser.Click("#add-start");
        browser.WaitUntil(() => browser.Find("#result").Text.Contains("the server page may not use Unix sockets here (allow directories with Web:ListenerUnixDirectories)", StringComparison.Ordinal), "the Unix refusal");

        Assert.Single(fixture.Chat.Listeners);
        Assert.False(File.Exists(socket));
    }

    [Fact]
    public async Task A_unix_listener_started_from_the_page_lists_its_client_and_a_line_sent_to_it_shows_in_the_log()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync(consoleOptions: (o, data) => o.ListenerUnixDirectories.Add(data));
        using var browser = OpenServerPage(fixture);
        Assert.True(browser.Find("#add-transport option[value='unix']").Enabled, "Unix sockets under an allowed directory");
        browser.Select("#add-transport", "unix");
        Assert.True(browser.Find("#add-path").Displayed);
        Assert.False(browser.Find("#add-port").Displayed, "a Unix socket has no port");
        Assert.Equal(Path.Combine(fixture.Data, "chat.sock"), browser.Find("#add-path").GetAttribute("placeholder"));

        var socket = Path.Combine(fixture.Data, "room.sock");
        browser.Type("#add-path", socket);
        browser.Click("#add-start");

        browser.WaitUntil(() => browser.FindAll("#listeners tbody tr[data-name='unix']").Count == 1, "the new Unix listener in the table");
        var cells = browser.Find("#listeners tbody tr[data-name='unix']").FindElements(By.CssSelector("td"));
        Assert.Equal("unix", cells[1].Text);
        Assert.Equal(socket, cells[2].Text);
        Assert.Equal("listening", cells[5].Text);
        browser.WaitUntil(() => browser.AnyShows("#events .ev", $"new listener unix unix:{socket} listening"), "the new listener in the event log");

        await using var client = await SwitchboardConnection.ConnectUnixAsync(socket, new ClientOptions { ConnectTimeout = Patience });
        var lines = client.CreateReader(new LineReader());
        await ReadUntilAsync(lines, "Welcome");
        await client.SendAsync(LineWriter.Lf, "/nick unixuser");
        browser.WaitUntil(() => SessionRow(browser, "unixuser") is { } row && row.FindElement(By.CssSelector("td.transport")).Text == "unix", "the Unix client in the connections table", 30);

        // The page's Send reaches it over the socket, and the page's own log shows the line.
        var row = SessionRow(browser, "unixuser")!;
        var id = row.GetAttribute("data-id");
        row.FindElement(By.CssSelector("button.send")).Click();
        browser.Type("#send-text", "hello over the socket");
        browser.Click("#send-form button[type=submit]");
        await ReadUntilAsync(lines, "hello over the socket");
        browser.WaitUntil(() => browser.AnyShows("#events .ev", $"to #{id}: hello over the socket"), "the sent line in the page's event log");
    }

    [Fact]
    public async Task A_unix_path_outside_the_allowed_directories_or_through_a_link_is_refused_and_nothing_is_bound()
    {
        var elsewhere = Directory.CreateTempSubdirectory("switchboard-web-elsewhere-").FullName;
        try
        {
            await using var fixture = await ChatConsoleFixture.StartAsync(consoleOptions: (o, data) => o.ListenerUnixDirectories.Add(Path.Combine(data, "sockets")));
            var allowed = Directory.CreateDirectory(Path.Combine(fixture.Data, "sockets")).FullName;
            using var browser = OpenServerPage(fixture);
            browser.Select("#add-transport", "unix");

            var outside = Path.Combine(elsewhere, "chat.sock");
            browser.Type("#add-path", outside);
            browser.Click("#add-start");
            browser.WaitUntil(() => browser.Find("#result").Text == $"add: {outside} is not under a directory the server page may use ({allowed}; see Web:ListenerUnixDirectories)", "the refusal of a path elsewhere");

            // "..", resolved before the check, leads out of the directory too.
            var climbing = allowed + "/../chat.sock";
            browser.Type("#add-path", climbing);
            browser.Click("#add-start");
            browser.WaitUntil(() => browser.Find("#result").Text.Contains($"{Path.Combine(fixture.Data, "chat.sock")} is not under a directory", StringComparison.Ordinal), "the refusal of a path climbing out");

            // A link inside the allowed directory could lead anywhere.
            var link = Path.Combine(allowed, "link");
            Directory.CreateSymbolicLink(link, elsewhere);
            browser.Type("#add-path", Path.Combine(link, "chat.sock"));
            browser.Click("#add-start");
            browser.WaitUntil(() => browser.Find("#result").Text == $"add: {link} is a symbolic link: the server page uses sockets only by their real path", "the refusal of a link");

            browser.Type("#add-path", "chat.sock");
            browser.Click("#add-start");
            browser.WaitUntil(() => browser.Find("#result").Text == "add: 'chat.sock' is not a full path", "the refusal of a relative path");

            Assert.Single(fixture.Chat.Listeners);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
            Assert.False(File.Exists(Path.Combine(fixture.Data, "chat.sock")));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task The_address_drop_down_offers_loopback_first_and_every_address_of_the_machines_interfaces()
    {
        await using var fixture = await ChatConsoleFixture.StartAsync();
        using var browser = OpenServerPage(fixture);
        var offered = browser.FindAll("#add-address option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal("127.0.0.1", offered[0]);
        Assert.Contains("::1", offered);

        // Every IPv4 address of an interface that is up, as `ip addr` would list it (link-local IPv6 needs a scope
        // the drop-down cannot carry, so IPv6 beyond ::1 is not asserted).
        var expected = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Where(a => a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Select(a => a.Address.ToString());
        Assert.All(expected, a => Assert.Contains(a, offered));
    }

    private static HeadlessChromium OpenServerPage(ChatConsoleFixture fixture)
    {
        var browser = HeadlessChromium.Start();
        try
        {
            browser.Open(fixture.Url("/"));
            browser.WaitUntil(() => browser.FindAll("#add-address option[value='127.0.0.1']").Count == 1, "the machine's addresses (the new-listener choices)");
            browser.WaitUntil(() => browser.FindAll("#listeners tbody tr").Count == 1, "the configured chat listener");
            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }

    private static IWebElement? SessionRow(HeadlessChromium browser, string nick)
        => browser.FindAll("#sessions tbody tr").FirstOrDefault(r => r.GetAttribute("data-nick") == nick);

    private static async Task ReadUntilAsync(ProtocolReader<System.Buffers.ReadOnlySequence<byte>> reader, string text)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            Assert.False(result.IsCompleted, $"the connection closed before '{text}' arrived");
            if (Encoding.UTF8.GetString(result.Message).Contains(text, StringComparison.Ordinal))
            {
                return;
            }
        }
    }
}
