using System.Net;
using System.Text;
using Switchboard.Chat.Protocol;
using Switchboard.Chat.Server;
using Switchboard.Chat.Storage;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Chat;

public sealed partial class ChatServer
{
    private async Task HandleConnectionAsync(SwitchboardConnection connection, CancellationToken shutdown)
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (address is not null && _bans.ContainsKey(BanKey("address", address.ToString())))
        {
            await RefuseAsync(connection, "banned", "this address is banned from the server");
            return;
        }

        if (address is not null && !TryCountAddress(address))
        {
            await RefuseAsync(connection, "too-many-connections", $"at most {Options.MaxConnectionsPerAddress} connections per address");
            return;
        }

        // The listeners each enforce MaxConnections; this holds the total across them to the same bound.
        if (_sessions.Count >= Options.MaxConnections)
        {
            if (address is not null)
            {
                UncountAddress(address);
            }

            await RefuseAsync(connection, "server-full", "the server has too many connections; try again later");
            return;
        }

        ChatSession? session = null;
        var reason = "closed by peer";
        try
        {
            var fresh = new ChatSession(connection, _registry, string.Empty) { ReplyTimeout = Options.ReplyTimeout };
            try
            {
                fresh.Nick = await ClaimGuestNickAsync(fresh, shutdown);
            }
            catch (StoreUnavailableException)
            {
                await RefuseAsync(connection, "store-unavailable", "the chat database is unavailable; try again shortly");
                return;
            }

            session = fresh;
            _sessions[session.Id] = session;
            Log.Connected(_logger, connection.Id, connection.TransportKind, session.Peer, session.Nick);
            Publish(new ChatServerEvent(ChatEventKind.Connected, DateTimeOffset.UtcNow, session.Id, session.Nick, session.Peer, Session: Describe(session)));
            await session.ReplyAsync(session.Format.Welcome(session.Nick, ChatNames.DefaultRoom, Store.LastId), shutdown);
            await JoinAsync(session, _rooms.GetOrCreate(ChatNames.DefaultRoom), since: null, shutdown);
            reason = await ReadLoopAsync(session, shutdown);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            reason = "server shutting down";
        }
        catch (Exception ex) when (ex is IOException or ConnectionClosedException or ObjectDisposedException)
        {
            reason = connection.CloseReason ?? ex.Message;
        }
        finally
        {
            if (address is not null)
            {
                UncountAddress(address);
            }

            if (session is not null)
            {
                await EndSessionAsync(session, connection.CloseReason ?? reason);
            }
        }

        if (connection.State is ConnectionState.Connected)
        {
            await connection.CloseAsync(reason, CancellationToken.None);
        }
    }

    /// <summary>Reads lines until the peer leaves or misbehaves; returns why the session ended.</summary>
    private async Task<string> ReadLoopAsync(ChatSession session, CancellationToken shutdown)
    {
        var connection = session.Connection;
        var reader = connection.CreateReader(new LineReader(Options.MaxLineLength));
        var bucket = new TokenBucket(Options.RateLimitPerSecond, Options.RateLimitBurst, TimeProvider.System);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(shutdown, connection.Closed, session.Ended);
        var invalid = 0;
        var dropped = 0;
        var lastRateError = Environment.TickCount64 - 1000;
        while (true)
        {
            idle.CancelAfter(Options.IdleTimeout);
            string line;
            try
            {
                var result = await reader.ReadAsync(idle.Token);
                if (result.IsCompleted)
                {
                    return "closed by peer";
                }

                line = Encoding.UTF8.GetString(result.Message);
            }
            catch (InvalidMessageException)
            {
                if (await RejectAsync(session, ++invalid, "invalid-utf8", "line dropped: it is not valid UTF-8", shutdown) is { } why)
                {
                    return why;
                }

                continue;
            }
            catch (MessageTooLargeException)
            {
                return await CloseForAsync(session, "line-too-long", $"line longer than {Options.MaxLineLength} bytes; closing", "line too long", shutdown);
            }
            catch (IncompleteMessageException)
            {
                return "closed by peer in the middle of a line";
            }
            catch (OperationCanceledException) when (session.EndReason is { } ended)
            {
                return ended;
            }
            catch (OperationCanceledException) when (!shutdown.IsCancellationRequested && !connection.Closed.IsCancellationRequested)
            {
                return await CloseForAsync(session, "idle-timeout", $"nothing received for {Options.IdleTimeout.TotalSeconds:0} s; closing", "idle timeout", shutdown);
            }
            catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
            {
                return connection.CloseReason ?? "connection closed";
            }

            if (!bucket.TryTake())
            {
                dropped++;
                if (dropped >= Options.FloodDisconnectAfter)
                {
                    return await CloseForAsync(session, "flood", $"{dropped} lines over the rate limit; closing", "flood", shutdown);
                }

                // One error a second is enough to explain the drops without becoming a flood of its own.
                if (Environment.TickCount64 - lastRateError >= 1000)
                {
                    lastRateError = Environment.TickCount64;
                    Log.InputRejected(_logger, session.ToString(), "rate-limited");
                    session.TrySendLine(session.Format.Error("rate-limited", $"too many lines: at most {Options.RateLimitPerSecond:0.#} per second; line dropped"));
                }

                continue;
            }

            dropped = 0;
            if (TextSanitizer.ContainsNul(line))
            {
                if (await RejectAsync(session, ++invalid, "nul-byte", "line dropped: it contains a NUL byte", shutdown) is { } why)
                {
                    return why;
                }

                continue;
            }

            var outcome = await _commands.ExecuteAsync(this, session, TextSanitizer.Clean(line), shutdown);
            if (outcome is not null)
            {
                return outcome;
            }
        }
    }

    private async Task<string?> RejectAsync(ChatSession session, int count, string code, string text, CancellationToken shutdown)
    {
        Log.InputRejected(_logger, session.ToString(), code);
        Publish(new ChatServerEvent(ChatEventKind.Error, DateTimeOffset.UtcNow, session.Id, session.Nick, session.Peer, Text: code));
        if (count >= Options.MaxInvalidLines)
        {
            return await CloseForAsync(session, code, $"{count} invalid lines; closing", $"too many invalid lines ({code})", shutdown);
        }

        await session.ReplyAsync(session.Format.Error(code, text), shutdown);
        return null;
    }

    private async Task<string> CloseForAsync(ChatSession session, string code, string text, string reason, CancellationToken shutdown)
    {
        Log.InputRejected(_logger, session.ToString(), code);
        session.TrySendLine(session.Format.Error(code, text));
        await session.Connection.CloseAsync(reason, CancellationToken.None);
        return reason;
    }

    private async Task RefuseAsync(SwitchboardConnection connection, string code, string text)
    {
        if (_refuseLog.ShouldLog(out var suppressed))
        {
            Log.Refused(_logger, connection.ToString(), code + LogRateLimiter.Note(suppressed));
        }

        connection.TrySend(Encoding.UTF8.GetBytes($"ERR {code} {text}\n"));
        await connection.CloseAsync(code, CancellationToken.None);
    }

    private async Task<string> ClaimGuestNickAsync(ChatSession session, CancellationToken cancellationToken)
    {
        // Connection ids start at 1 on every node; after a collision, a random number keeps a busy cluster
        // from walking the same sequence as the node next door.
        for (var n = session.Id; ; n = Random.Shared.NextInt64(1000, 1_000_000))
        {
            var nick = "guest" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_bans.ContainsKey(BanKey("nick", nick)) || _nicks.ContainsKey(nick))
            {
                continue;
            }

            if (!await Store.Presence.TryClaimAsync(nick, room: null, cancellationToken))
            {
                continue;
            }

            if (_nicks.TryAdd(nick, session))
            {
                return nick;
            }

            await Store.Presence.ReleaseAsync(nick, cancellationToken);
        }
    }

    private async Task EndSessionAsync(ChatSession session, string reason)
    {
        _sessions.TryRemove(session.Id, out _);
        _nicks.TryRemove(new KeyValuePair<string, ChatSession>(session.Nick, session));
        try
        {
            await Store.Presence.ReleaseAsync(session.Nick, CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            // The database is away; when this node's heartbeat resumes it claims only the users still here.
        }

        if (session.Room is { } room)
        {
            LeaveRoom(session, room, reason);
        }

        Log.Disconnected(_logger, session.Id, session.Peer, session.Nick, reason);
        Publish(new ChatServerEvent(ChatEventKind.Disconnected, DateTimeOffset.UtcNow, session.Id, session.Nick, session.Peer, Text: reason));
    }

    private bool TryCountAddress(IPAddress address)
    {
        var count = _perAddress.AddOrUpdate(address, 1, static (_, n) => n + 1);
        if (count <= Options.MaxConnectionsPerAddress)
        {
            return true;
        }

        UncountAddress(address);
        return false;
    }

    private void UncountAddress(IPAddress address)
    {
        while (_perAddress.TryGetValue(address, out var count))
        {
            if (count <= 1 ? _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, count)) : _perAddress.TryUpdate(address, count - 1, count))
            {
                return;
            }
        }
    }

    private static ChatSessionInfo Describe(ChatSession s) => new(
        s.Id,
        s.Connection.TransportKind,
        s.Peer,
        s.Nick,
        s.Room?.Name,
        s.Mode,
        s.IsOperator,
        s.Connection.ConnectedAt,
        s.Connection.BytesReceived,
        s.Connection.BytesSent,
        s.Connection.MessagesReceived,
        s.Connection.MessagesSent,
        s.Connection.QueuedBytes);
}
