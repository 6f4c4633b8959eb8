// The library example of README.md, as it appears there: a chat-like line server, then a client that talks to it.
// Run it with a port (0 picks a free one): dotnet run --project samples/Switchboard.Samples.Library -- 0
using System.Globalization;
using System.Net;
using Switchboard.Net;
using Switchboard.Net.Framing;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8899;

// README: server
var clients = new ConnectionRegistry();
await using var server = await SwitchboardListener.StartAsync(
    ListenerOptions.Loopback(port),
    async (connection, shutdown) =>
    {
        await connection.SendAsync(LineWriter.Lf, "welcome", shutdown);
        await foreach (var line in connection.ReadLinesAsync(cancellationToken: shutdown))
        {
            clients.Broadcast(LineWriter.Lf, $"{connection.RemoteEndPoint}: {line}");
        }
    },
    registry: clients);
Console.WriteLine($"listening on {server.BoundEndPoint}");

// README: client
await using var client = await SwitchboardConnection.ConnectTcpAsync(
    "127.0.0.1", ((IPEndPoint)server.BoundEndPoint).Port,
    new ClientOptions { ConnectTimeout = TimeSpan.FromSeconds(3), Tls = null /* or new ClientTlsOptions { CaFile = "ca.pem" } */ },
    stateChanged: (_, e) => Console.WriteLine($"{e.OldState} -> {e.NewState}"));
await client.SendAsync(LineWriter.Lf, "hello");
var lines = 0;
await foreach (var line in client.ReadLinesAsync())
{
    Console.WriteLine(line);
    if (++lines == 2)
    {
        // "welcome", then our own line as the server broadcast it: enough for an example.
        break;
    }
}
