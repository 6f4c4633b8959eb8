using System.Text.Json;
using Switchboard.Chat;

namespace Switchboard.Web;

/// <summary>
/// A browser user as a session of the chat server (<see cref="ChatWebUser"/>). What the chat sends the session,
/// as its JSON lines (docs/PROTOCOL.md), becomes the events the chat page shows.
/// </summary>
internal sealed class WebChatMember(ChatWebUser user) : IWebChatMember
{
    public string Nick => user.Nick;

    public string? Room => user.Room;

    public string? EndReason => user.EndReason;

    public async Task<string> JoinRoomAsync(string room, CancellationToken cancellationToken)
    {
        try
        {
            return await user.JoinAsync(room.Trim(), cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new ChatRefusedException(ex.Message);
        }
    }

    public async Task<string?> LeaveRoomAsync(string room, CancellationToken cancellationToken)
    {
        if (!string.Equals(ChatNames.NormalizeRoom(room), user.Room, StringComparison.Ordinal))
        {
            return $"not in room {room}";
        }

        if (user.Room == ChatNames.DefaultRoom)
        {
            return $"you are in #{ChatNames.DefaultRoom}; close the page to leave the chat";
        }

        await JoinRoomAsync(ChatNames.DefaultRoom, cancellationToken);
        return null;
    }

    public Task<string?> SayAsync(string room, string text, CancellationToken cancellationToken)
        => string.Equals(ChatNames.NormalizeRoom(room), user.Room, StringComparison.Ordinal)
            ? user.SendLineAsync(text, cancellationToken)
            : Task.FromResult<string?>($"not in room {room}");

    public async ValueTask<ConsoleEvent?> ReadEventAsync(CancellationToken cancellationToken)
    {
        while (await user.ReadLineAsync(cancellationToken) is { } line)
        {
            if (Translate(line) is { } e)
            {
                return e;
            }
        }

        return null;
    }

    public ValueTask DisposeAsync() => user.DisposeAsync();

    /// <summary>One JSON line of the chat as a page event; null for lines the page has no use for (welcome, synced).</summary>
    internal static ConsoleEvent? Translate(string line)
    {
        using var document = JsonDocument.Parse(line);
        var o = document.RootElement;
        string? S(string name) => o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var at = o.TryGetProperty("time", out var t) && t.TryGetDateTimeOffset(out var time) ? time : DateTimeOffset.UtcNow;
        var room = S("room");
        return S("type") switch
        {
            "message" => S("kind") switch
            {
                "private" => new(at, ConsoleEventKinds.Private, null, S("from"), null, S("text") ?? "", o.GetProperty("id").GetInt64(), S("to")),
                "announce" => new(at, ConsoleEventKinds.Announce, null, S("from"), null, S("text") ?? "", o.GetProperty("id").GetInt64()),
                "action" => new(at, ConsoleEventKinds.Message, null, S("from"), room, $"* {S("from")} {S("text")}", o.GetProperty("id").GetInt64()),
                _ => new(at, ConsoleEventKinds.Message, null, S("from"), room, S("text") ?? "", o.GetProperty("id").GetInt64()),
            },
            "join" => new(at, ConsoleEventKinds.Info, null, S("nick"), room, $"{S("nick")} joined #{room}"),
            "part" => new(at, ConsoleEventKinds.Info, null, S("nick"), room, S("reason") is { } reason ? $"{S("nick")} left #{room} ({reason})" : $"{S("nick")} left #{room}"),
            "nick" => new(at, ConsoleEventKinds.Info, null, S("new"), null, $"{S("old")} is now known as {S("new")}"),
            "topic" => new(at, ConsoleEventKinds.Info, null, S("by"), room, S("topic") is { } topic ? $"topic of #{room}: {topic}" : $"{S("by")} cleared the topic of #{room}"),
            "info" => new(at, ConsoleEventKinds.Info, null, null, null, S("text") ?? ""),
            "error" => new(at, ConsoleEventKinds.Error, null, null, null, S("text") ?? S("code") ?? "error"),
            _ => null,
        };
    }
}
