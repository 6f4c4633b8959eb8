using System.Net;
using Switchboard.Web.Json;
using Switchboard.Web.Live;

namespace Switchboard.Web.Chat;

/// <summary>
/// The chat page's socket: one browser user, a member of the chat like any other (<see cref="IWebChatMember"/>). It
/// enters with a nick, moves between rooms (receiving each room's history), says things and sends commands, and
/// gets what the chat sends its member (the room's messages, private messages, notices) in batches. When the chat
/// ends the member (a kick, a ban, a flood, too many invalid lines, an idle timeout) the page is told why.
/// </summary>
internal sealed class ChatPageSession(WebSocketPeer peer, IConsoleServer server, ConsoleOptions options, IPAddress? browser, string browserPeer)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    // The page keeps this many rows per room; a page that missed more starts the room afresh instead of resuming.
    private const int ResumeLimit = 500;

    // Held while a room's history is read and sent, so live events of that room never overtake it.
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly EventBacklog<ConsoleEvent> _backlog = new(Math.Max(1, options.EventBacklog));
    private volatile IWebChatMember? _member;
    private Task _reader = Task.CompletedTask;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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
            if (_member is { } member)
            {
                await member.DisposeAsync();
            }

            await pump.ContinueWith(_ => { }, TaskScheduler.Default);
            await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<string?> ExecuteAsync(ConsoleCommand command, CancellationToken cancellationToken)
    {
        var member = _member;
        switch (command.Op)
        {
            case "nick":
                return await EnterAsync(command.Nick, command.Room, command.Since, cancellationToken);
            case "join" when member is not null && !string.IsNullOrWhiteSpace(command.Room):
                return await MoveAsync(member, m => m.JoinRoomAsync(command.Room.Trim(), cancellationToken), command.Since, cancellationToken);
            case "leave" when member is not null && !string.IsNullOrWhiteSpace(command.Room):
                return await MoveAsync(member, async m => await m.LeaveRoomAsync(command.Room, cancellationToken) is { } refused ? throw new ChatRefusedException(refused) : m.Room!, since: null, cancellationToken);
            case "say" when member is not null && !string.IsNullOrWhiteSpace(command.Room) && !string.IsNullOrEmpty(command.Text):
                return await member.SayAsync(command.Room, command.Text, cancellationToken);
            case "rooms":
                await SendRoomsAsync(cancellationToken);
                return null;
            case "join" or "leave" or "say" when member is null:
                return "choose a nick first";
            default:
                return $"unknown or incomplete command '{command.Op}'";
        }
    }

    private async Task<string?> EnterAsync(string? nick, string? room, long? since, CancellationToken cancellationToken)
    {
        if (_member is { } current)
        {
            return $"already in the chat as {current.Nick}";
        }

        if (string.IsNullOrWhiteSpace(nick))
        {
            return "choose a nick";
        }

        IWebChatMember member;
        try
        {
            member = await server.JoinChatAsync(nick.Trim(), browser, browserPeer, cancellationToken);
        }
        catch (ChatRefusedException ex)
        {
            return ex.Message;
        }

        _member = member;
        _reader = ReadEventsAsync(member, cancellationToken);
        var first = string.IsNullOrWhiteSpace(room) ? member.Room ?? server.GetRooms().FirstOrDefault() : room.Trim();
        await peer.SendAsync(new ChatWelcomeFrame(member.Nick, [], server.GetRooms()), ConsoleJsonContext.Default.ChatWelcomeFrame, cancellationToken);
        return first is null ? null : await MoveAsync(member, m => m.JoinRoomAsync(first, cancellationToken), since, cancellationToken);
    }

    /// <summary>
    /// Moves the member to a room (joining, or leaving for the default room) and sends the room's history: the
    /// recent messages, or, for a page coming back after a reconnect (<paramref name="since"/> set), every message
    /// after the last one it has, so it shows no gap and nothing twice.
    /// </summary>
    private async Task<string?> MoveAsync(IWebChatMember member, Func<IWebChatMember, Task<string>> move, long? since, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            string room;
            try
            {
                room = await move(member);
            }
            catch (ChatRefusedException ex)
            {
                return ex.Message;
            }

            // Live events are on before the history is read: anything said in between is in both at worst (the page
            // shows each id once), never in neither; the gate keeps them queued until the history has gone.
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
        => peer.SendAsync(new ChatRoomsFrame(server.GetRooms(), _member?.Room is { } room ? [room] : []), ConsoleJsonContext.Default.ChatRoomsFrame, cancellationToken);

    /// <summary>Takes what the chat sends the member into the backlog; when the chat ends the member, tells the page why.</summary>
    private async Task ReadEventsAsync(IWebChatMember member, CancellationToken cancellationToken)
    {
        try
        {
            ConsoleEvent? last = null;
            while (await member.ReadEventAsync(cancellationToken) is { } e)
            {
                _backlog.Add(e);
                last = e;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            // Kicked or banned: the page must not enter again by itself (it would undo a kick), so it is told.
            _member = null;
            await member.DisposeAsync();
            await _sendGate.WaitAsync(cancellationToken);
            try
            {
                await FlushAsync(cancellationToken);
                // The chat's last word before it closed the session says why in full, as a connection's user reads it
                // ("5 lines over the rate limit; closing", a kick's reason); the end reason is its short form ("flood").
                var why = last is { Kind: ConsoleEventKinds.Error } notice ? notice.Text : member.EndReason ?? "you left the chat";
                await peer.SendAsync(new ChatEndedFrame(why), ConsoleJsonContext.Default.ChatEndedFrame, cancellationToken);
            }
            finally
            {
                _sendGate.Release();
            }

            await SendRoomsAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
        }
    }

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
                    await FlushAsync(cancellationToken);
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

    // Called with the send gate held.
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var (items, _) = _backlog.TakeAll();
        if (items.Length > 0)
        {
            await peer.SendAsync(new ChatEventsFrame(items), ConsoleJsonContext.Default.ChatEventsFrame, cancellationToken);
        }
    }
}
