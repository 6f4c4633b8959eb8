using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Cli.Commands.Chat;

/// <summary>
/// The terminal chat client. It speaks the server's JSON mode, shows every message once (ids are remembered, so
/// replays after a reconnect never show a line twice), and when the connection drops it reconnects with backoff
/// and resumes with <c>/join ROOM since=LASTID</c>, so nothing said meanwhile is missed.
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
    private string? _nick;
    private string? _wantedNick;
    private string _room;
    private long _lastId;
    private int _nickRetries;
    private int _pings;
    private string? _fatal;
    // Set when the server broke the line framing (a line over MaxServerLineBytes): reconnecting at once would only
    // get the same line again, so the wait keeps growing and the reason is explained once.
    private bool _badLine;
    private bool _badLineExplained;

    private ChatClientApp(ChatClientSettings settings, ChatTerminal terminal)
    {
        _settings = settings;
        _terminal = terminal;
        _view = new ChatView(terminal.Color);
        _wantedNick = settings.Nick;
        _room = settings.Room.TrimStart('#').ToLowerInvariant();
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
        var backoff = _settings.InitialBackoff;
        while (!_quit.IsCancellationRequested && _fatal is null)
        {
            _terminal.SetStatus(LinkState.Connecting, $"connecting to {_settings.Target}");
            SwitchboardConnection connection;
            try
            {
                connection = await ConnectAsync(_quit.Token);
            }
            catch (ConnectException ex)
            {
                // Another node of the cluster may be up: try each once before waiting.
                var failed = _settings.Target;
                if (_settings.Servers.Count > 1 && !_settings.Next())
                {
                    _terminal.SetStatus(LinkState.Waiting, $"{ex.Message}; trying {_settings.Target} instead of {failed}");
                    continue;
                }

                _terminal.SetStatus(LinkState.Waiting, $"{ex.Message}; retrying in {backoff.TotalSeconds:0.##} s");
                await DelayAsync(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.MaxBackoff.Ticks));
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            _terminal.SetStatus(LinkState.Connected, $"connected to {_settings.Target} as {_wantedNick ?? "?"} in #{_room}");
            var reason = await RunConnectionAsync(connection);
            if (_quit.IsCancellationRequested || _fatal is not null)
            {
                break;
            }

            if (_badLine)
            {
                ExplainBadLineOnce();
            }
            else
            {
                backoff = _settings.InitialBackoff;
            }

            if (_settings.Servers.Count > 1 && !_badLine)
            {
                // The node went away: resume on the next one (from the last id seen, as after any reconnect).
                var lost = _settings.Target;
                _settings.Next();
                _terminal.SetStatus(LinkState.Waiting, $"disconnected from {lost} ({reason}); reconnecting to {_settings.Target}");
                continue;
            }

            _terminal.SetStatus(LinkState.Waiting, $"disconnected ({reason}); reconnecting in {backoff.TotalSeconds:0.##} s");
            await DelayAsync(backoff);
            if (_badLine)
            {
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.MaxBackoff.Ticks));
            }
        }

        _terminal.SetStatus(LinkState.Closed, _fatal ?? "bye");
        _quit.Cancel();
        await input.ContinueWith(_ => { }, TaskScheduler.Default);
        return _fatal is null ? 0 : 1;
    }

    private async Task<SwitchboardConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = new ClientOptions { MaxOutboundBufferSize = 256 * 1024 };
        if (_settings.UnixPath is not null)
        {
            return await SwitchboardConnection.ConnectUnixAsync(_settings.UnixPath, options, cancellationToken: cancellationToken);
        }

        if (_settings.Tls)
        {
            options.Tls = new ClientTlsOptions { CaFile = _settings.CaFile, Insecure = _settings.Insecure };
        }

        return await SwitchboardConnection.ConnectTcpAsync(_settings.Host, _settings.Port, options, cancellationToken: cancellationToken);
    }

    /// <summary>Handshake, then read and send until the connection ends; returns why it ended.</summary>
    private async Task<string> RunConnectionAsync(SwitchboardConnection connection)
    {
        await using var _ = connection;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_quit.Token, connection.Closed);
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
            return reason;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ConnectionClosedException)
        {
            return connection.CloseReason ?? ex.Message;
        }
    }

    private async Task<string> ReadAsync(SwitchboardConnection connection, CancellationToken cancellationToken)
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
            _badLine = true;
            return $"the server sent a line over {MaxServerLineBytes / 1024 / 1024} MiB";
        }
        catch (FramingException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            return connection.CloseReason ?? "connection lost";
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

    private async Task SendPendingAsync(SwitchboardConnection connection, CancellationToken cancellationToken)
    {
        using var ping = new PeriodicTimer(TimeSpan.FromSeconds(60));
        var tick = ping.WaitForNextTickAsync(cancellationToken).AsTask();
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = _outbox.Reader.WaitToReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(next, tick) == tick)
            {
                // Keeps the server's idle timeout from closing a client that is only listening.
                Interlocked.Increment(ref _pings);
                await SendAsync(connection, "/ping", cancellationToken);
                tick = ping.WaitForNextTickAsync(cancellationToken).AsTask();
                continue;
            }

            if (!await next)
            {
                return;
            }

            while (_outbox.Reader.TryPeek(out var line))
            {
                await SendAsync(connection, line, cancellationToken);
                _outbox.Reader.TryRead(out _);
            }
        }
    }

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

    private async Task DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _quit.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
