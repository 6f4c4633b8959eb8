using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Cli.Commands.Chat;

/// <summary>
/// The terminal chat client. It speaks the server's JSON mode, shows every message once (ids are remembered, so
/// replays after a reconnect never show a line twice), and when the connection drops the library's
/// <see cref="ReconnectingClient"/> reconnects (to the next node, or after a backoff with jitter) and the session
/// resumes with <c>/join ROOM since=LASTID</c>, so nothing said meanwhile is missed.
/// </summary>
internal sealed partial class ChatClientApp
{
    private const int MaxPendingLines = 100;
    private const int MaxLineBytes = 8 * 1024;
    private const int MaxServerLineBytes = 1024 * 1024;

    private readonly ChatClientSettings _settings;
    private readonly ChatTerminal _terminal;
    private readonly ChatView _view;
    private readonly HashSet<long> _seen = [];
    // Lines typed while disconnected wait here and go out after the next handshake.
    private readonly Channel<string> _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxPendingLines) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _quit = new();
    // Set once /quit (or the end of input) is on its way: the server closing the connection is then the goodbye,
    // not something to announce a reconnect for.
    private volatile bool _leaving;
    private string? _nick;
    private string? _wantedNick;
    private string _room;
    private long _lastId;
    private int _nickRetries;
    // /ping lines the user typed and sent on this connection whose pong has not arrived: those pongs are shown,
    // the heartbeat's are not.
    private int _typedPings;
    private string? _fatal;
    // Set when the server broke the line framing (a line over MaxServerLineBytes): reconnecting at once would only
    // get the same line again, so the wait keeps growing and the reason is explained once.
    private bool _badLine;
    private bool _badLineExplained;
    private ReconnectingClient? _client;
    private string _target;
    // The spread the library's jitter gives each wait, shown next to the nominal wait.
    private int _jitterPercent;

    private ChatClientApp(ChatClientSettings settings, ChatTerminal terminal)
    {
        _settings = settings;
        _terminal = terminal;
        _view = new ChatView(terminal.Color);
        _wantedNick = settings.Nick;
        _room = settings.Room.TrimStart('#').ToLowerInvariant();
        _target = settings.UnixPath is not null ? $"unix:{settings.UnixPath}" : "?";
    }

    public static int Run(ChatClientSettings settings)
    {
        using var terminal = ChatTerminal.Create();
        var app = new ChatClientApp(settings, terminal);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            app._quit.Cancel();
        };
        return app.RunAsync().GetAwaiter().GetResult();
    }

    private async Task<int> RunAsync()
    {
        var input = PumpInputAsync();
        var client = CreateClient();
        _client = client;
        client.StateChanged += (_, e) =>
        {
            if (e.NewState == ConnectionState.Connecting)
            {
                _target = Describe(client.EndPoint);
                _terminal.SetStatus(LinkState.Connecting, $"connecting to {_target}");
            }
        };
        client.Reconnecting += (_, e) => OnReconnecting(e);
        try
        {
            await client.RunAsync(RunConnectionAsync, _quit.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _terminal.SetStatus(LinkState.Closed, _fatal ?? "bye");
        _quit.Cancel();
        await input.ContinueWith(_ => { }, TaskScheduler.Default);
        return _fatal is null ? 0 : 1;
    }

    /// <summary>
    /// The library's reconnecting client over the servers given: it moves on to the next node when one is gone and
    /// backs off (with jitter) when all are. A connection counts only once the server's welcome arrives, so a server
    /// that breaks the framing at once is retried with growing waits. Its heartbeat sends the protocol's
    /// <c>/ping</c> when the connection is quiet (which keeps the server's idle timeout from closing a client that
    /// only listens) and drops a server that stops answering, so a half-open connection is reconnected too.
    /// </summary>
    private ReconnectingClient CreateClient()
    {
        var options = new ClientOptions
        {
            MaxOutboundBufferSize = 256 * 1024,
            Reconnect = new ReconnectOptions
            {
                InitialDelay = _settings.InitialBackoff,
                MaxDelay = _settings.MaxBackoff,
                RequireConfirmation = true,
                HeartbeatInterval = _settings.HeartbeatInterval,
                HeartbeatTimeout = _settings.HeartbeatTimeout,
                HeartbeatMessage = "/ping\n"u8.ToArray(),
            },
        };
        if (_settings.ConnectTimeout is { } connectTimeout)
        {
            options.ConnectTimeout = connectTimeout;
        }

        _jitterPercent = (int)Math.Round(options.Reconnect.Jitter * 100);
        if (_settings.UnixPath is not null)
        {
            return ReconnectingClient.ForUnix(_settings.UnixPath, options);
        }

        if (_settings.Tls)
        {
            options.Tls = new ClientTlsOptions { CaFile = _settings.CaFile, Insecure = _settings.Insecure };
        }

        return ReconnectingClient.ForTcp(_settings.Servers.Select(s => new DnsEndPoint(s.Host, s.Port)), options);
    }

    private void OnReconnecting(ReconnectingEventArgs e)
    {
        if (_leaving)
        {
            return;
        }

        if (_badLine)
        {
            ExplainBadLineOnce();
        }

        var next = Describe(e.To);
        var moving = e.Delay == TimeSpan.Zero && next != Describe(e.From);
        var wait = $"{e.NominalDelay.TotalSeconds:0.##} s ±{_jitterPercent}%";
        var text = (e.ConnectionLost, moving) switch
        {
            // The node went away: resume on the next one (from the last id seen, as after any reconnect).
            (true, true) => $"disconnected from {Describe(e.From)} ({e.Reason}); reconnecting to {next}",
            (true, false) => $"disconnected ({e.Reason}); reconnecting in {wait}",
            // Another node of the cluster may be up: each is tried once before waiting.
            (false, true) => $"{e.Reason}; trying {next} instead of {Describe(e.From)}",
            (false, false) => $"{e.Reason}; retrying in {wait}",
        };
        _terminal.SetStatus(LinkState.Waiting, text);
    }

    private string Describe(EndPoint? endPoint) => endPoint switch
    {
        DnsEndPoint dns => dns.Host.Contains(':') ? $"[{dns.Host}]:{dns.Port}" : $"{dns.Host}:{dns.Port}",
        UnixDomainSocketEndPoint => $"unix:{_settings.UnixPath}",
        _ => endPoint?.ToString() ?? "?",
    };

    /// <summary>Handshake, then read and send until the connection ends; the reason it ended goes to the close.</summary>
    private async Task RunConnectionAsync(SwitchboardConnection connection, CancellationToken cancellationToken)
    {
        _terminal.SetStatus(LinkState.Connected, $"connected to {_target} as {_wantedNick ?? "?"} in #{_room}");
        Volatile.Write(ref _typedPings, 0);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await SendAsync(connection, "/mode json", stop.Token);
            if (_wantedNick is not null)
            {
                await SendAsync(connection, "/nick " + _wantedNick, stop.Token);
            }

            _nickRetries = 0;
            await SendAsync(connection, _lastId > 0 ? $"/join {_room} since={_lastId}" : $"/join {_room}", stop.Token);
            var sender = SendPendingAsync(connection, stop.Token);
            var reason = await ReadAsync(connection, stop.Token);
            await stop.CancelAsync();
            await sender.ContinueWith(_ => { }, TaskScheduler.Default);
            if (reason is not null)
            {
                connection.Abort(reason);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ConnectionClosedException)
        {
            // The connection's own close reason says why.
        }
    }

    /// <summary>Reads and shows lines until the connection ends; returns why when the client saw it first, else null.</summary>
    private async Task<string?> ReadAsync(SwitchboardConnection connection, CancellationToken cancellationToken)
    {
        var reader = connection.CreateReader(new LineReader(MaxServerLineBytes));
        _badLine = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                if (result.IsCompleted)
                {
                    return "the server closed the connection";
                }

                Handle(Encoding.UTF8.GetString(result.Message));
            }
        }
        catch (MessageTooLargeException)
        {
            // Even after a welcome this connection did not work: its loss must not start the backoff over.
            _badLine = true;
            _client?.ConfirmConnection(false);
            return $"the server sent a line over {MaxServerLineBytes / 1024 / 1024} MiB";
        }
        catch (FramingException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private void ExplainBadLineOnce()
    {
        if (!_badLineExplained)
        {
            _badLineExplained = true;
            _terminal.WriteLine(_view.Error("line-too-long", $"the server sent a line longer than {MaxServerLineBytes / 1024 / 1024} MiB, more than any chat message; it was not shown. Reconnecting with growing waits (up to {_settings.MaxBackoff.TotalSeconds:0.##} s) while it keeps doing so."));
        }
    }

    /// <summary>Sends what the user typed; keep-alive pings are the library heartbeat's (see <see cref="CreateClient"/>).</summary>
    private async Task SendPendingAsync(SwitchboardConnection connection, CancellationToken cancellationToken)
    {
        while (await _outbox.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_outbox.Reader.TryPeek(out var line))
            {
                if (IsPing(line))
                {
                    Interlocked.Increment(ref _typedPings);
                }

                await SendAsync(connection, line, cancellationToken);
                _outbox.Reader.TryRead(out _);
            }
        }
    }

    // As the server reads a command: "/ping" with any case, alone or followed by a space.
    private static bool IsPing(string line)
        => line.StartsWith("/ping", StringComparison.OrdinalIgnoreCase) && (line.Length == 5 || line[5] == ' ');

    private async Task PumpInputAsync()
    {
        while (true)
        {
            string? line;
            try
            {
                line = await _terminal.ReadLineAsync(_quit.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (line is null || line.Trim().StartsWith("/quit", StringComparison.OrdinalIgnoreCase))
            {
                // End of input ends the session like /quit, once what was typed has gone out.
                _leaving = true;
                await _outbox.Writer.WriteAsync(line ?? "/quit");
                await DrainOutboxAsync();
                _quit.Cancel();
                return;
            }

            if (System.Text.Encoding.UTF8.GetByteCount(line) > MaxLineBytes)
            {
                // The server would close the connection over it (its default limit is 8 KiB): refuse it here.
                _terminal.WriteLine(_view.Error("line-too-long", $"not sent: lines are limited to {MaxLineBytes} bytes"));
                continue;
            }

            if (line.Length > 0)
            {
                await _outbox.Writer.WriteAsync(line);
            }
        }
    }

    private async Task DrainOutboxAsync()
    {
        var deadline = Environment.TickCount64 + 3000;
        while (_outbox.Reader.Count > 0 && Environment.TickCount64 < deadline)
        {
            await Task.Delay(50);
        }

        // A moment for the last line to reach the server before the connection closes.
        await Task.Delay(200);
    }

    private static ValueTask SendAsync(SwitchboardConnection connection, string line, CancellationToken cancellationToken)
        => connection.SendAsync(LineWriter.Lf, line, cancellationToken);
}
