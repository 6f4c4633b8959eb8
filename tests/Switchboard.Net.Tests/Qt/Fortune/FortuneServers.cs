using System.Net;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Net.Tests.Qt.Fortune;

/// <summary>Starts fortune servers for tests on loopback port 0 or a socket in a private temp folder.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly string? _folder;

    private TestServer(SwitchboardListener listener, string? folder)
    {
        Listener = listener;
        _folder = folder;
    }

    public SwitchboardListener Listener { get; }

    public int Port => ((IPEndPoint)Listener.BoundEndPoint).Port;

    public string? SocketPath { get; private init; }

    public static async Task<TestServer> StartAsync(bool local, ConnectionHandler handler)
    {
        if (!local)
        {
            var tcp = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), handler, cancellationToken: Timeouts.Token());
            return new TestServer(tcp, null);
        }

        string folder = Directory.CreateTempSubdirectory("sb-fortune-").FullName;
        string path = Path.Combine(folder, "fortune");
        var unix = await SwitchboardListener.StartAsync(ListenerOptions.Unix(path), handler, cancellationToken: Timeouts.Token());
        return new TestServer(unix, folder) { SocketPath = path };
    }

    public static Task<TestServer> StartAsync(bool local, FortuneServer server) => StartAsync(local, server.HandleConnectionAsync);

    /// <summary>A server that sends these bytes to every connection, then closes.</summary>
    public static Task<TestServer> SendingAsync(bool local, byte[] bytes) => StartAsync(local, async (connection, shutdown) =>
    {
        await connection.SendAsync(bytes, shutdown);
        await connection.CloseAsync("test bytes sent", shutdown);
    });

    public FortuneClient Client(FortuneClientOptions? options = null)
        => SocketPath is null ? FortuneClient.ForTcp("127.0.0.1", Port, options) : FortuneClient.ForLocal(SocketPath, options);

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

internal static class Timeouts
{
    public static CancellationToken Token(int seconds = 10) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
