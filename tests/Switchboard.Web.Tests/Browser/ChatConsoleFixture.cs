using System.Net;
using Switchboard.Chat;
using Switchboard.Chat.Storage;

namespace Switchboard.Web.Tests.Browser;

/// <summary>A real chat server on an ephemeral loopback port, with the web console mounted over it (also port 0).</summary>
internal sealed class ChatConsoleFixture : IAsyncDisposable
{
    private readonly string _data;

    private ChatConsoleFixture(ChatServer chat, WebConsoleHost console, string data)
    {
        Chat = chat;
        Console = console;
        _data = data;
    }

    public ChatServer Chat { get; }

    public WebConsoleHost Console { get; }

    public int ChatPort => ((IPEndPoint)Chat.Listeners[0].BoundEndPoint).Port;

    public string Url(string path) => Console.Page(path);

    public static async Task<ChatConsoleFixture> StartAsync(Action<ChatServerOptions>? configure = null)
    {
        var data = Directory.CreateTempSubdirectory("switchboard-web-chat-").FullName;
        var options = new ChatServerOptions { Host = "127.0.0.1", Port = 0, DataDirectory = data, Durability = StoreDurability.Normal };
        configure?.Invoke(options);
        var chat = new ChatServer(options);
        await chat.StartAsync();
        var console = await WebConsoleHost.StartAsync(new ConsoleOptions { Port = 0, Server = new ChatConsoleServer(chat) });
        return new ChatConsoleFixture(chat, console, data);
    }

    /// <summary>A plain <c>nc</c> connected to the chat, once it has been welcomed.</summary>
    public async Task<ExternalProcess> ConnectNcAsync(string nick)
    {
        var nc = ExternalProcess.Start("nc", "127.0.0.1", ChatPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await nc.WaitForStdoutAsync("Welcome", TimeSpan.FromSeconds(30));
        await nc.WriteLineAsync("/nick " + nick);
        await nc.WaitForStdoutAsync("is now known as " + nick, TimeSpan.FromSeconds(30));
        return nc;
    }

    public async ValueTask DisposeAsync()
    {
        await Console.DisposeAsync();
        await Chat.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
