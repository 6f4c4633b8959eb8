using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Chat.Storage;

/// <summary>What one node tells the others besides messages (which travel through the message table).</summary>
internal enum ClusterEventKind
{
    /// <summary>Kick <see cref="ClusterEvent.Target"/> (a nick) off whichever node holds it.</summary>
    Kick,

    /// <summary>A ban was stored: <see cref="ClusterEvent.Target"/> is "kind:value"; kick whoever matches.</summary>
    Ban,

    /// <summary>A ban was lifted: <see cref="ClusterEvent.Target"/> is "kind:value".</summary>
    Unban,

    /// <summary>The topic of room <see cref="ClusterEvent.Target"/> is now <see cref="ClusterEvent.Text"/>.</summary>
    Topic,

    /// <summary><see cref="ClusterEvent.By"/> joined room <see cref="ClusterEvent.Target"/>: a notice for its members on every node.</summary>
    Joined,

    /// <summary><see cref="ClusterEvent.By"/> left room <see cref="ClusterEvent.Target"/>; <see cref="ClusterEvent.Text"/> is the reason, if any.</summary>
    Parted,

    /// <summary><see cref="ClusterEvent.Text"/> (the old nick) is now <see cref="ClusterEvent.By"/>, in room <see cref="ClusterEvent.Target"/>.</summary>
    NickChanged,
}

/// <summary>
/// A small notice between nodes. It rides a PostgreSQL NOTIFY, whose payload is limited to 8000 bytes, so free text
/// is cut to <see cref="MaxText"/> characters.
/// </summary>
internal sealed record ClusterEvent(ClusterEventKind Kind, string Node, string Target, string? Text, string By)
{
    public const int MaxText = 1000;

    public string ToJson() => JsonSerializer.Serialize(this with { Text = Text is { Length: > MaxText } ? Text[..MaxText] : Text }, ClusterEventJson.Default.ClusterEvent);

    public static ClusterEvent? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ClusterEventJson.Default.ClusterEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(ClusterEvent))]
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
internal sealed partial class ClusterEventJson : JsonSerializerContext;
