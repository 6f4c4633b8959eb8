using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Chat.Commands;
using Switchboard.Chat.Protocol;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Storage;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Chat.Server;

/// <summary>
/// One connection from accept to close: the admission checks, a guest nick, the lobby, then the read loop that
/// turns lines into commands (rate limit, idle timeout, line deadline, invalid input), and the clean-up when it ends.
/// </summary>
internal sealed class ChatConnectionHandler(
    ChatServerOptions options,
    ILogger logger,
    ConnectionRegistry registry,
    SessionDirectory sessions,
    Moderation moderation,
    RoomService rooms,
    CommandTable commands,
    IChatCommandHost host,
    ChatEvents events,
    Func<IChatStore> store,
    InputLimits limits)
{
    // A crowd of refused clients would write one warning each: at most 10 per 10 s.
    private readonly LogRateLimiter _refuseLog = new();

    public async Task HandleAsync(SwitchboardConnection connection, CancellationToken shutdown)
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (address is not null && moderation.IsBanned("address", address.ToString()))
        {
            await RefuseAsync(connection, "banned", "this address is banned from the server");
            return;
        }

        if (address is not null && !sessions.TryCountAddress(address, options.MaxConnectionsPerAddress))
        {
            await RefuseAsync(connection, "too-many-connections", $"at most {options.MaxConnectionsPerAddress} connections per address");
            return;
        }

        // The listeners each enforce MaxConnections; this holds the total across them to the same bound.
        if (sessions.Count >= options.MaxConnections)
        {
            if (address is not null)
            {
                sessions.UncountAddress(address);
            }

            await RefuseAsync(connection, "server-full", "the server has too many connections; try again later");
            return;
        }

        ChatSession? session = null;
        var reason = "closed by peer";
        try
        {
            var fresh = new ChatSession(connection, registry, string.Empty) { ReplyTimeout = options.ReplyTimeout };
            try
            {
                fresh.Nick = await sessions.ClaimGuestNickAsync(fresh, shutdown);
            }
            catch (StoreUnavailableException)
            {
                await RefuseAsync(connection, "store-unavailable", "the chat database is unavailable; try again shortly");
                return;
            }

            session = fresh;
            await BeginSessionAsync(session, shutdown);
            await rooms.JoinAsync(session, rooms.Lobby, since: null, shutdown);
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
                sessions.UncountAddress(address);
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
        var connection = session.Connection!;
        var deadline = new LineDeadline(new LineReader(options.MaxLineLength), options.LineTimeout);
        var reader = connection.CreateReader(deadline);
        // The rate limit, floods, invalid lines and the idle notice: the same for every way in (InputLimits).
        var input = limits.For(session);
        // The one cancellation source of the loop, with its one timer: shutdown, the connection closing, the session
        // being ended (a kick), the idle timeout and the line deadline all cancel it.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(shutdown, connection.Closed);
        session.AttachReadLoop(idle);
        try
        {
            while (true)
            {
                deadline.Arm(idle, options.IdleTimeout);
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
                    if (await RejectAsync(session, await input.InvalidAsync("invalid-utf8", "line dropped: it is not valid UTF-8"), shutdown) is { } why)
                    {
                        return why;
                    }

                    continue;
                }
                catch (MessageTooLargeException)
                {
                    return await input.CloseAsync("line-too-long", $"line longer than {options.MaxLineLength} bytes; closing", "line too long");
                }
                catch (IncompleteMessageException)
                {
                    return "closed by peer in the middle of a line";
                }
                catch (OperationCanceledException) when (session.EndReason is { } ended)
                {
                    return ended;
                }
                catch (OperationCanceledException) when (deadline.HasExpired && !shutdown.IsCancellationRequested && !connection.Closed.IsCancellationRequested)
                {
                    var what = reader.MessagesRead == 0 ? "no complete line" : "line not finished";
                    return await input.CloseAsync("line-timeout", $"{what} within {deadline.Timeout.TotalSeconds:0.#} s; closing", "line timeout");
                }
                catch (OperationCanceledException) when (!shutdown.IsCancellationRequested && !connection.Closed.IsCancellationRequested)
                {
                    return await input.IdleAsync();
                }
                catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
                {
                    return connection.CloseReason ?? "connection closed";
                }

                if (await input.TakeAsync() is { } limited)
                {
                    if (limited.Closed is { } flooded)
                    {
                        return flooded;
                    }

                    if (limited.Notify)
                    {
                        session.TrySendLine(session.Format.Error(limited.Code, limited.Text));
                    }

                    continue;
                }

                if (TextSanitizer.ContainsNul(line))
                {
                    if (await RejectAsync(session, await input.InvalidAsync("nul-byte", "line dropped: it contains a NUL byte"), shutdown) is { } why)
                    {
                        return why;
                    }

                    continue;
                }

                var outcome = await commands.ExecuteAsync(host, session, TextSanitizer.Clean(line), shutdown);
                if (outcome is not null)
                {
                    return outcome;
                }
            }
        }
        finally
        {
            // Before the source is disposed: a kick that comes later finds nothing to cancel.
            session.DetachReadLoop();
        }
    }

    // An invalid line: the end reason when it closed the session, otherwise null once the error has been replied.
    private static async Task<string?> RejectAsync(ChatSession session, InputRefusal refused, CancellationToken shutdown)
    {
        if (refused.Closed is { } why)
        {
            return why;
        }

        await session.ReplyAsync(session.Format.Error(refused.Code, refused.Text), shutdown);
        return null;
    }

    private async Task RefuseAsync(SwitchboardConnection connection, string code, string text)
    {
        if (_refuseLog.ShouldLog(out var suppressed))
        {
            ChatServer.Log.Refused(logger, connection.ToString(), code + LogRateLimiter.Note(suppressed));
        }

        connection.TrySend(Encoding.UTF8.GetBytes($"ERR {code} {text}\n"));
        await connection.CloseAsync(code, CancellationToken.None);
    }

    /// <summary>Announces a session that has its nick: the log, the console's event, the welcome, the lobby.</summary>
    internal async Task BeginSessionAsync(ChatSession session, CancellationToken cancellationToken)
    {
        sessions.Add(session);
        ChatServer.Log.Connected(logger, session.Id, session.Connection?.TransportKind ?? TransportKind.Tcp, session.Peer, session.Nick);
        events.Publish(new ChatServerEvent(ChatEventKind.Connected, DateTimeOffset.UtcNow, session.Id, session.Nick, session.Peer, Session: SessionDirectory.Describe(session)));
        await session.ReplyAsync(session.Format.Welcome(session.Nick, ChatNames.DefaultRoom, store().LastId), cancellationToken);
    }

    /// <summary>Forgets a session that ended (a connection's or a web page's): its nick, its room, and says so.</summary>
    internal async Task EndSessionAsync(ChatSession session, string reason)
    {
        await sessions.RemoveAsync(session);
        if (session.Room is { } room)
        {
            await rooms.LeaveAsync(session, room, reason);
        }

        ChatServer.Log.Disconnected(logger, session.Id, session.Peer, session.Nick, reason);
        events.Publish(new ChatServerEvent(ChatEventKind.Disconnected, DateTimeOffset.UtcNow, session.Id, session.Nick, session.Peer, Text: reason));
    }
}
