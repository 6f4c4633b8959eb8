using System.Collections.Concurrent;
using Switchboard.Web.Json;
using Switchboard.Web.Live;

namespace Switchboard.Web.Chat;

/// <summary>
/// The chat page's socket: one browser user in the same rooms as the TCP clients. It enters with a nick, joins
/// rooms (receiving each room's history), says things, and gets the live messages of its rooms in batches.
/// </summary>
internal sealed class ChatPageSession(WebSocketPeer peer, IConsoleServer server, ConsoleOptions options)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    // The page keeps this many rows per room; a page that missed more starts the room afresh instead of resuming.
    private const int ResumeLimit = 500;

    // Held while a room's history is read and sent, so live events of that room never overtake it.
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _rooms = new(StringComparer.OrdinalIgnoreCase);
    private readonly EventBacklog<ConsoleEvent> _backlog = new(Math.Max(1, options.EventBacklog));
    private IWebChatMember? _member;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var subscription = server.Subscribe(OnEvent);
        var pump = PumpAsync(stop.Token);
        try
        {
            await SendRoomsAsync(stop.Token);
            await foreach (var command in peer.ReadCommandsAsync(stop.Token))
            {
                var error = await ExecuteAsync(command, stop.Token);
                await peer.SendResultAsync(command.Op, error, stop.Token);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await pump.ContinueWith(_ => { }, TaskScheduler.Default);
            if (_member is not null)
            {
                await _member.DisposeAsync();
            }
        }
    }

    private void OnEvent(ConsoleEvent e)
    {
        // Announcements have no room: they go to every page that is in the chat.
        var forMe = e.Room is null
            ? e.Kind == ConsoleEventKinds.Announce && _member is not null
            : _rooms.ContainsKey(e.Room) && e.Kind is ConsoleEventKinds.Message or ConsoleEventKinds.Info;
        if (forMe)
        {
            _backlog.Add(e);
        }
    }

    private async Task<string?> ExecuteAsync(Json.ConsoleCommand command, CancellationToken cancellationToken)
    {
        switch (command.Op)
        {
            case "nick":
                return await EnterAsync(command.Nick, command.Room, command.Since, cancellationToken);
            case "join" when _member is not null && !string.IsNullOrWhiteSpace(command.Room):
                return await JoinAsync(_member, command.Room.Trim(), command.Since, cancellationToken);
            case "leave" when _member is not null && !string.IsNullOrWhiteSpace(command.Room):
                if (_rooms.TryRemove(command.Room, out _))
                {
                    await _member.LeaveRoomAsync(command.Room, cancellationToken);
                }

                await SendRoomsAsync(cancellationToken);
                return null;
            case "say" when _member is not null && !string.IsNullOrWhiteSpace(command.Room) && !string.IsNullOrEmpty(command.Text):
                return _rooms.ContainsKey(command.Room)
                    ? await _member.SayAsync(command.Room, command.Text, cancellationToken)
                    : $"not in room {command.Room}";
            case "rooms":
                await SendRoomsAsync(cancellationToken);
                return null;
            case "join" or "leave" or "say" when _member is null:
                return "choose a nick first";
            default:
                return $"unknown or incomplete command '{command.Op}'";
        }
    }

    private async Task<string?> EnterAsync(string? nick, string? room, long? since, CancellationToken cancellationToken)
    {
        if (_member is not null)
        {
            return $"already in the chat as {_member.Nick}";
        }

        if (string.IsNullOrWhiteSpace(nick))
        {
            return "choose a nick";
        }

        try
        {
            _member = await server.JoinChatAsync(nick.Trim(), cancellationToken);
        }
        catch (ChatRefusedException ex)
        {
            return ex.Message;
        }

        var first = string.IsNullOrWhiteSpace(room) ? server.GetRooms().FirstOrDefault() : room.Trim();
        await peer.SendAsync(new ChatWelcomeFrame(_member.Nick, [], server.GetRooms()), ConsoleJsonContext.Default.ChatWelcomeFrame, cancellationToken);
        return first is null ? null : await JoinAsync(_member, first, since, cancellationToken);
    }

    /// <summary>
    /// Joins a room and sends its history: the recent messages, or, for a page coming back after a reconnect
    /// (<paramref name="since"/> set), every message after the last one it has, so it shows no gap and nothing twice.
    /// </summary>
    private async Task<string?> JoinAsync(IWebChatMember member, string requested, long? since, CancellationToken cancellationToken)
    {
        string room;
        try
        {
            room = await member.JoinRoomAsync(requested, cancellationToken);
        }
        catch (ChatRefusedException ex)
        {
            return ex.Message;
        }

        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            // Live events on before the history is read: anything said in between is in both at worst (the page
            // shows each id once), never in neither; the gate keeps them queued until the history has gone.
            _rooms[room] = true;
            var missed = since is { } after ? await server.GetHistoryAfterAsync(room, after, ResumeLimit + 1, cancellationToken) : null;
            var frame = missed is { Count: <= ResumeLimit }
                ? new ChatHistoryFrame(room, missed, Resumed: true)
                : new ChatHistoryFrame(room, await server.GetHistoryAsync(room, cancellationToken));
            await peer.SendAsync(frame, ConsoleJsonContext.Default.ChatHistoryFrame, cancellationToken);
        }
        finally
        {
            _sendGate.Release();
        }

        await SendRoomsAsync(cancellationToken);
        return null;
    }

    private Task SendRoomsAsync(CancellationToken cancellationToken)
        => peer.SendAsync(new ChatRoomsFrame(server.GetRooms(), [.. _rooms.Keys.Order(StringComparer.OrdinalIgnoreCase)]), ConsoleJsonContext.Default.ChatRoomsFrame, cancellationToken);

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _sendGate.WaitAsync(cancellationToken);
                try
                {
                    var (items, _) = _backlog.TakeAll();
                    if (items.Length > 0)
                    {
                        await peer.SendAsync(new ChatEventsFrame(items), ConsoleJsonContext.Default.ChatEventsFrame, cancellationToken);
                    }
                }
                finally
                {
                    _sendGate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
        }
    }
}
