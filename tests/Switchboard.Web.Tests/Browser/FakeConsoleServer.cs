namespace Switchboard.Web.Tests.Browser;

/// <summary>
/// A console server with one listener that can be started and stopped, and a way to fire events at will: what
/// the chat server cannot produce on demand (an event storm), and a record of the commands the page sent.
/// </summary>
internal sealed class FakeConsoleServer : IConsoleServer
{
    private readonly Lock _gate = new();
    private Action<ConsoleEvent>? _handlers;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _listening = true;

    public List<string> Commands { get; } = [];

    public void Raise(ConsoleEvent e) => _handlers?.Invoke(e);

    /// <summary>Completes once a page has subscribed to the events: raised before that, they reach nobody.</summary>
    public Task Subscribed => _subscribed.Task;

    public IReadOnlyList<ConsoleListener> GetListeners()
        => [new ConsoleListener("tcp-main", "tcp", "127.0.0.1", 7000, false, _listening, 0, true)];

    public Task<string?> StartListenerAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Commands.Add("start " + name);
        }

        _listening = true;
        return Task.FromResult<string?>(null);
    }

    public Task<string?> StopListenerAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Commands.Add("stop " + name);
        }

        _listening = false;
        return Task.FromResult<string?>(null);
    }

    public Task<string?> StopAndDisconnectAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Commands.Add("stop-all " + name);
        }

        _listening = false;
        Sessions = [];
        return Task.FromResult<string?>(null);
    }

    /// <summary>The sessions the page is shown; set by a test.</summary>
    public IReadOnlyList<ConsoleSession> Sessions { get; set; } = [];

    public IReadOnlyList<ConsoleSession> GetSessions() => Sessions;

    public bool SendTo(long sessionId, string text)
    {
        lock (_gate)
        {
            Commands.Add($"send {sessionId} {text}");
        }

        return Sessions.Any(s => s.Id == sessionId);
    }

    public Task<bool> KickAsync(long sessionId, string reason) => Task.FromResult(false);

    public Task<string?> AnnounceAsync(string text, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public IDisposable Subscribe(Action<ConsoleEvent> handler)
    {
        lock (_gate)
        {
            _handlers += handler;
        }

        _subscribed.TrySetResult();

        return new Unsubscribe(() =>
        {
            lock (_gate)
            {
                _handlers -= handler;
            }
        });
    }

    public IReadOnlyList<string> GetRooms() => ["lobby"];

    public Task<IReadOnlyList<ConsoleChatMessage>> GetHistoryAsync(string room, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<ConsoleChatMessage>>([]);

    public Task<IReadOnlyList<ConsoleChatMessage>> GetHistoryAfterAsync(string room, long afterId, int limit, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<ConsoleChatMessage>>([]);

    public Task<IWebChatMember> JoinChatAsync(string nick, System.Net.IPAddress? browser, string peer, CancellationToken cancellationToken)
        => throw new ChatRefusedException("no chat here");

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
