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
                return await EnterAsync(command.Nick, command.Room, cancellationToken);
            case "join" when _member is not null && !string.IsNullOrWhiteSpace(command.Room):
                return await JoinAsync(_member, command.Room.Trim(), cancellationToken);
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

    private async Task<string?> EnterAsync(string? nick, string? room, CancellationToken cancellationToken)
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
        return first is null ? null : await JoinAsync(_member, first, cancellationToken);
    }

    private async Task<string?> JoinAsync(IWebChatMember member, string requested, CancellationToken cancellationToken)
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

        // Live events on before the history is read: anything said in between is in both at worst, never in neither.
        _rooms[room] = true;
        var history = await server.GetHistoryAsync(room, cancellationToken);
        await peer.SendAsync(new ChatHistoryFrame(room, history), ConsoleJsonContext.Default.ChatHistoryFrame, cancellationToken);
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
                var (items, _) = _backlog.TakeAll();
                if (items.Length > 0)
                {
                    await peer.SendAsync(new ChatEventsFrame(items), ConsoleJsonContext.Default.ChatEventsFrame, cancellationToken);
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
