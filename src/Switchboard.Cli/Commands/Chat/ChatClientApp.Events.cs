using System.Text.Json;

namespace Switchboard.Cli.Commands.Chat;

// What the client does with each JSON event from the server.
internal sealed partial class ChatClientApp
{
    private void Handle(string line)
    {
        // Before "/mode json" takes effect the server greets in text; those lines are not for us.
        if (!line.StartsWith('{'))
        {
            return;
        }

        JsonElement e;
        try
        {
            using var document = JsonDocument.Parse(line);
            e = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            _terminal.WriteLine(_view.Raw(line));
            return;
        }

        switch (ChatView.Str(e, "type"))
        {
            case "message":
                OnMessage(e);
                break;
            case "welcome":
                // The server's JSON greeting: this connection works, so the reconnect backoff starts over.
                _client?.ConfirmConnection();
                _nick = ChatView.Str(e, "nick");
                break;
            case "synced":
                // The end of a join's replay: this is the room to resume in after a reconnect.
                _room = ChatView.Str(e, "room") ?? _room;
                _terminal.SetStatus(LinkState.Connected, $"connected to {_target} as {_nick} in #{_room}");
                break;
            case "join":
                _terminal.WriteLine(_view.Notice($"{ChatView.Str(e, "nick")} joined #{ChatView.Str(e, "room")}"));
                break;
            case "part":
                var why = ChatView.Str(e, "reason");
                _terminal.WriteLine(_view.Notice($"{ChatView.Str(e, "nick")} left #{ChatView.Str(e, "room")}{(why is null ? "" : $" ({why})")}"));
                break;
            case "nick":
                OnNick(ChatView.Str(e, "old") ?? "", ChatView.Str(e, "new") ?? "");
                break;
            case "topic":
                _terminal.WriteLine(_view.Notice($"#{ChatView.Str(e, "room")} topic: {ChatView.Str(e, "topic") ?? "(none)"}"));
                break;
            case "info":
                var text = ChatView.Str(e, "text") ?? "";
                // Answers to the heartbeat's pings are not for the user; a /ping they typed still shows.
                if (text == "pong" && !TakeTypedPing())
                {
                    break;
                }

                _terminal.WriteLine(_view.Info(text));
                break;
            case "error":
                OnError(ChatView.Str(e, "code") ?? "error", ChatView.Str(e, "text") ?? "");
                break;
            default:
                _terminal.WriteLine(_view.Raw(line));
                break;
        }
    }

    private bool TakeTypedPing()
    {
        var pending = Volatile.Read(ref _typedPings);
        while (pending > 0)
        {
            var seen = Interlocked.CompareExchange(ref _typedPings, pending - 1, pending);
            if (seen == pending)
            {
                return true;
            }

            pending = seen;
        }

        return false;
    }

    private void OnMessage(JsonElement e)
    {
        var history = e.TryGetProperty("history", out var h) && h.ValueKind == JsonValueKind.True;
        if (!history && e.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var id))
        {
            // Ids are unique and grow; a replay after reconnecting may repeat some, which are dropped here.
            if (!_seen.Add(id))
            {
                return;
            }

            _lastId = Math.Max(_lastId, id);
            if (_seen.Count > 100_000)
            {
                _seen.RemoveWhere(x => x < _lastId - 50_000);
            }
        }

        _terminal.WriteLine(_view.Message(e));
    }

    private void OnNick(string old, string @new)
    {
        if (string.Equals(old, _nick, StringComparison.OrdinalIgnoreCase))
        {
            _nick = @new;
            _wantedNick = @new;
            _terminal.SetStatus(LinkState.Connected, $"connected to {_target} as {_nick} in #{_room}");
        }

        _terminal.WriteLine(_view.Notice($"{old} is now known as {@new}"));
    }

    private void OnError(string code, string text)
    {
        _terminal.WriteLine(_view.Error(code, text));
        switch (code)
        {
            case "nick-in-use" when _nickRetries < 3 && _wantedNick is not null:
                // After a reconnect our old session may still hold the nick for a moment: take a variant.
                _nickRetries++;
                _wantedNick += "_";
                _outbox.Writer.TryWrite("/nick " + _wantedNick);
                break;
            case "kicked" or "banned":
                _fatal = $"{code}: {text}";
                _quit.Cancel();
                break;
        }
    }
}
