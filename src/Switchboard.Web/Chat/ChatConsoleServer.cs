using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.Chat;
using Switchboard.Net;

namespace Switchboard.Web;

/// <summary>
/// The console's view of a <see cref="ChatServer"/>: its public console API (sessions, listeners, events, send,
/// kick, announce, post, history) translated into what the pages show. Browser users post as "nick@web".
/// </summary>
public sealed class ChatConsoleServer(ChatServer server) : IConsoleServer
{
    // The chat page opens a room with this many of its latest messages.
    private const int HistoryCount = 50;

    /// <inheritdoc />
    public IReadOnlyList<ConsoleListener> GetListeners()
        => [.. Named(server.Listeners).Select(n => n.Listener.BoundEndPoint switch
        {
            IPEndPoint ip => new ConsoleListener(n.Name, Describe(n.Listener.Transport), ip.Address.ToString(), ip.Port, n.Listener.Transport == TransportKind.Tls, n.Listener.IsListening, n.Listener.Connections, true),
            UnixDomainSocketEndPoint unix => new ConsoleListener(n.Name, Describe(n.Listener.Transport), unix.ToString(), null, false, n.Listener.IsListening, n.Listener.Connections, true),
            _ => new ConsoleListener(n.Name, Describe(n.Listener.Transport), n.Listener.EndPoint, null, n.Listener.Transport == TransportKind.Tls, n.Listener.IsListening, n.Listener.Connections, true),
        })];

    /// <inheritdoc />
    public Task<string?> StartListenerAsync(string name, CancellationToken cancellationToken)
        => ControlAsync(name, id => server.StartListenerAsync(id, "web console", cancellationToken));

    /// <inheritdoc />
    public Task<string?> StopListenerAsync(string name, CancellationToken cancellationToken)
        => ControlAsync(name, id => server.StopListenerAsync(id, "web console"));

    /// <inheritdoc />
    /// <remarks>
    /// A session is matched to its listener by transport: the chat server has at most one listener of each (TCP,
    /// TLS, Unix socket). Should it ever have two of one kind, nobody is disconnected rather than the wrong people.
    /// </remarks>
    public async Task<string?> StopAndDisconnectAsync(string name, CancellationToken cancellationToken)
    {
        var match = Named(server.Listeners).FirstOrDefault(n => n.Name == name);
        if (match.Listener is { } listener && server.Listeners.Count(l => l.Transport == listener.Transport) > 1)
        {
            return $"'{name}' shares its transport with another listener: its sessions cannot be told apart; stop it alone";
        }

        if (await StopListenerAsync(name, cancellationToken) is { } error)
        {
            return error;
        }

        // Web chat users came in through the console, not through this listener.
        foreach (var session in server.GetSessions().Where(s => !s.IsWeb && s.Transport == match.Listener!.Transport))
        {
            await server.KickAsync(session.Id, "the server stopped listening and disconnected everyone", by: "web console");
        }

        return null;
    }

    /// <inheritdoc />
    public Task<string?> AddListenerAsync(IPAddress address, int port, bool tls, CancellationToken cancellationToken)
        => AddAsync(() => server.AddListenerAsync(address, port, tls, "web console", cancellationToken));

    /// <inheritdoc />
    public string? TlsListenerUnavailable => server.Options.CertificateFile is null || server.Options.KeyFile is null
        ? "the server has no certificate (start serve with --cert and --key)"
        : null;

    /// <inheritdoc />
    public Task<string?> AddUnixListenerAsync(string path, CancellationToken cancellationToken)
        => AddAsync(() => server.AddUnixListenerAsync(path, "web console", cancellationToken));

    private static async Task<string?> AddAsync(Func<Task<ChatListenerInfo>> add)
    {
        try
        {
            await add();
            return null;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or SocketException or System.Security.Cryptography.CryptographicException)
        {
            // Address or path in use, an unreadable certificate, the server stopping: the page shows why.
            return ex.Message;
        }
    }

    /// <summary>
    /// Names the page shows and sends back: the transport ("tcp", "tls", "unix"), with the id when a transport has
    /// several listeners. Not the address: a port-0 listener may come back on a new port.
    /// </summary>
    private static IEnumerable<(string Name, ChatListenerInfo Listener)> Named(IReadOnlyList<ChatListenerInfo> listeners)
        => listeners.Select(l => (listeners.Count(o => o.Transport == l.Transport) > 1
            ? $"{Describe(l.Transport)}-{l.Id.ToString(CultureInfo.InvariantCulture)}"
            : Describe(l.Transport), l));

    private async Task<string?> ControlAsync(string name, Func<int, Task> action)
    {
        var match = Named(server.Listeners).FirstOrDefault(n => n.Name == name);
        if (match.Listener is null)
        {
            return $"no listener '{name}'";
        }

        try
        {
            await action(match.Listener.Id);
            return null;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Taken by someone else meanwhile, or the server is shutting down: the page shows why.
            return ex.Message;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ConsoleSession> GetSessions()
        => [.. server.GetSessions().Select(s => new ConsoleSession(s.Id, s.IsWeb ? "web" : Describe(s.Transport), s.Peer, s.Nick, s.Room, s.Since, s.BytesIn, s.BytesOut, s.MessagesIn, s.MessagesOut))];

    /// <inheritdoc />
    public bool SendTo(long sessionId, string text) => server.SendToSession(sessionId, text);

    /// <inheritdoc />
    public Task<bool> KickAsync(long sessionId, string reason) => server.KickAsync(sessionId, reason, by: "web console");

    /// <inheritdoc />
    public async Task<string?> AnnounceAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            await server.AnnounceAsync(text, "console", cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ConsoleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        // EventRaised runs on the thread that caused the event; the console's handlers only enqueue, so this is
        // cheap, and no reader task per page is needed (as it would be with a subscription channel).
        void OnEvent(object? sender, ChatServerEvent e)
        {
            if (Translate(e) is { } translated)
            {
                handler(translated);
            }
        }

        server.EventRaised += OnEvent;
        return new Unsubscriber(() => server.EventRaised -= OnEvent);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> GetRooms()
    {
        var rooms = server.GetRooms().Select(r => r.Name).Where(n => n != ChatNames.DefaultRoom).Order(StringComparer.Ordinal);
        return [ChatNames.DefaultRoom, .. rooms];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsoleChatMessage>> GetHistoryAsync(string room, CancellationToken cancellationToken)
    {
        var messages = await server.GetHistoryAsync(room, HistoryCount, cancellationToken: cancellationToken);
        return [.. messages.Select(m => new ConsoleChatMessage(m.Id, m.Time, m.Room ?? room, m.Sender, TextOf(m)))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsoleChatMessage>> GetHistoryAfterAsync(string room, long afterId, int limit, CancellationToken cancellationToken)
    {
        var messages = await server.GetHistoryAsync(room, limit, afterId, cancellationToken);
        return [.. messages.Select(m => new ConsoleChatMessage(m.Id, m.Time, m.Room ?? room, m.Sender, TextOf(m)))];
    }

    /// <inheritdoc />
    public async Task<IWebChatMember> JoinChatAsync(string nick, IPAddress? browser, string peer, CancellationToken cancellationToken)
    {
        if (!ChatNames.IsValidNick(nick))
        {
            throw new ChatRefusedException($"\"{nick}\" is not a valid nick: a letter, then letters, digits, '_' or '-', {ChatNames.MaxNickLength} at most");
        }

        try
        {
            return new WebChatMember(await server.EnterWebUserAsync(nick, browser, peer, cancellationToken));
        }
        catch (InvalidOperationException ex)
        {
            throw new ChatRefusedException(ex.Message);
        }
    }

    internal static ConsoleEvent? Translate(ChatServerEvent e) => e.Kind switch
    {
        ChatEventKind.Connected => new(e.Time, ConsoleEventKinds.Connect, e.SessionId, e.Nick, null,
            $"connected from {e.Peer}{(e.Session is { } s ? $" over {(s.IsWeb ? "the web chat page" : Describe(s.Transport))}" : "")}"),
        ChatEventKind.Disconnected => new(e.Time, ConsoleEventKinds.Disconnect, e.SessionId, e.Nick, null, e.Text ?? "disconnected"),
        ChatEventKind.Message when e.Message is { } m => m.Kind switch
        {
            ChatMessageKind.Announce => new(e.Time, ConsoleEventKinds.Announce, e.SessionId, m.Sender, null, m.Text, m.Id),
            ChatMessageKind.Private => new(e.Time, ConsoleEventKinds.Message, e.SessionId, m.Sender, null, $"(private to {m.Target}) {m.Text}", m.Id),
            _ => new(e.Time, ConsoleEventKinds.Message, e.SessionId, m.Sender, m.Room, TextOf(m), m.Id),
        },
        ChatEventKind.NickChanged => new(e.Time, ConsoleEventKinds.Info, e.SessionId, e.Nick, null, $"{e.Text} is now known as {e.Nick}"),
        ChatEventKind.Joined => new(e.Time, ConsoleEventKinds.Info, e.SessionId, e.Nick, e.Room, $"{e.Nick} joined #{e.Room}"),
        ChatEventKind.Parted => new(e.Time, ConsoleEventKinds.Info, e.SessionId, e.Nick, e.Room,
            e.Text is null ? $"{e.Nick} left #{e.Room}" : $"{e.Nick} left #{e.Room} ({e.Text})"),
        ChatEventKind.Topic => new(e.Time, ConsoleEventKinds.Info, e.SessionId, e.Nick, e.Room, $"topic of #{e.Room}: {e.Text}"),
        ChatEventKind.Error => new(e.Time, ConsoleEventKinds.Error, e.SessionId, e.Nick, null, e.Text ?? "error"),
        ChatEventKind.ListenerStopped => new(e.Time, ConsoleEventKinds.Info, null, null, null, $"listener {e.Text} stopped; its connections carry on"),
        ChatEventKind.ListenerStarted => new(e.Time, ConsoleEventKinds.Info, null, null, null, $"listener {e.Text} listening again"),
        ChatEventKind.ListenerAdded => new(e.Time, ConsoleEventKinds.Info, null, null, null, $"new listener {e.Text} listening"),
        _ => null,
    };

    private static string TextOf(ChatMessage m) => m.Kind == ChatMessageKind.Action ? $"* {m.Sender} {m.Text}" : m.Text;

    private static string Describe(TransportKind kind) => kind.ToString().ToLowerInvariant();

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
