using System.Net;

namespace Switchboard.Chat.Tests.Infrastructure;

/// <summary>An in-process chat server on 127.0.0.1, port 0, with a temporary data directory.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(ChatServer server, TempDirectory data, bool ownsData)
    {
        Server = server;
        Data = data;
        OwnsData = ownsData;
    }

    public ChatServer Server { get; }

    public TempDirectory Data { get; }

    private bool OwnsData { get; }

    public int Port => ((IPEndPoint)Server.Listeners[0].BoundEndPoint).Port;

    public static async Task<TestServer> StartAsync(Action<ChatServerOptions>? configure = null, TempDirectory? data = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var directory = data ?? new TempDirectory();
        var options = new ChatServerOptions { Port = 0, DataDirectory = directory.Path, Durability = StoreDurability.Normal };
        configure?.Invoke(options);
        var server = new ChatServer(options, loggerFactory);
        try
        {
            await server.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            if (data is null)
            {
                directory.Dispose();
            }

            throw;
        }

        return new TestServer(server, directory, data is null);
    }

    public Task<LineClient> ConnectAsync() => LineClient.ConnectAsync(Port);

    /// <summary>Connects, takes a nick, and waits until the server confirmed it.</summary>
    public async Task<LineClient> JoinAsync(string nick)
    {
        var client = await ConnectAsync();
        await client.WaitForContainsAsync("Welcome");
        await client.SendLineAsync("/nick " + nick);
        await client.WaitForContainsAsync($"is now known as {nick}");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Server.StopAsync(timeout.Token);
        if (OwnsData)
        {
            Data.Dispose();
        }
    }
}

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "switchboard-chat-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
