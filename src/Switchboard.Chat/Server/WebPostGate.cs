using System.Collections.Concurrent;
using System.Text;

namespace Switchboard.Chat.Server;

/// <summary>
/// The limits a chat connection's read loop applies, applied to posts made through <see cref="ChatServer.PostAsync"/>
/// (host code, which has no session): the line length (<see cref="ChatServerOptions.MaxLineLength"/>), the rate limit
/// per user name (<see cref="ChatServerOptions.RateLimitPerSecond"/>, <see cref="ChatServerOptions.RateLimitBurst"/>),
/// and nick bans. Without it one page posted 500 messages of 200 KB in 10 s, and a banned name kept posting. The chat
/// page's users are sessions, held to <see cref="InputLimits"/> as a connection is; they use the ban check only.
/// </summary>
internal sealed class WebPostGate(ChatServerOptions options, Moderation moderation)
{
    // Names are the browser's choice: past this many buckets the oldest are forgotten wholesale (a name that comes
    // back starts with a full burst, which is what a new connection gets too).
    private const int MaxBuckets = 10_000;

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when the post may go ahead; otherwise what is wrong, in the user's words.</summary>
    /// <exception cref="ArgumentException">The text is longer than a chat line may be.</exception>
    public string? Check(string webUser, string text)
    {
        if (Encoding.UTF8.GetByteCount(text) > options.MaxLineLength)
        {
            throw new ArgumentException($"line longer than {options.MaxLineLength} bytes; not posted", nameof(text));
        }

        if (Banned(webUser) is { } banned)
        {
            return banned;
        }

        if (_buckets.Count > MaxBuckets)
        {
            _buckets.Clear();
        }

        var bucket = _buckets.GetOrAdd(webUser, _ => new TokenBucket(options.RateLimitPerSecond, options.RateLimitBurst, TimeProvider.System));
        lock (bucket)
        {
            return bucket.TryTake() ? null : $"too many lines: at most {options.RateLimitPerSecond:0.#} per second; line dropped";
        }
    }

    /// <summary>Null when the name (with or without "@web") is not banned; otherwise so, in the user's words.</summary>
    public string? Banned(string webUser)
        => moderation.IsBanned("nick", webUser) || moderation.IsBanned("nick", webUser + "@web") ? $"{webUser} is banned from the chat" : null;
}
