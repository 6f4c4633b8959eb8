namespace Switchboard.Chat;

/// <summary>
/// The chat server's meter (System.Diagnostics.Metrics), one per <see cref="ChatServer"/>; every instrument is
/// named <c>switchboard.chat.*</c>:
/// <list type="bullet">
/// <item><c>switchboard.chat.connections</c>, <c>.listeners</c>, <c>.users</c>, <c>.members</c>, <c>.rooms</c>
/// (gauges): what is open and joined now.</item>
/// <item><c>switchboard.chat.messages</c> (counter): messages committed by this node.</item>
/// <item><c>switchboard.chat.rate_limited</c> (counter): lines dropped by the per-connection rate limit.</item>
/// <item><c>switchboard.chat.store.commit.duration</c> (histogram, seconds): one group commit's transaction.</item>
/// <item><c>switchboard.chat.store.queue</c> (gauge): operations waiting for the next commit.</item>
/// <item><c>switchboard.chat.store.commits</c>, <c>.operations</c> (counters), <c>.last_message_id</c> (gauge).</item>
/// </list>
/// The network side (bytes, messages, refusals, slow consumers) is on <see cref="Net.NetMeter"/>.
/// </summary>
public static class ChatMeter
{
    /// <summary>The meter's name: <c>Switchboard.Chat</c>.</summary>
    public const string Name = "Switchboard.Chat";
}
