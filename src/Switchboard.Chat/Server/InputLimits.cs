using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Server;

/// <summary>
/// The limits on what a user sends, one mechanism whichever way the session came in (a connection's read loop, the
/// web console's chat page): the rate limit and the cut-off for a flood past it
/// (<see cref="ChatServerOptions.FloodDisconnectAfter"/>), invalid lines (<see cref="ChatServerOptions.MaxInvalidLines"/>)
/// and the idle timeout (<see cref="ChatServerOptions.IdleTimeout"/>). A way in reports what arrived to the session's
/// <see cref="SessionInput"/>; the counting, the notice, the log and the close are there, once. Web users once had
/// a second copy of the rate limit and none of the three cut-offs: a refused line was refused and the page stayed.
/// </summary>
internal sealed class InputLimits(ChatServerOptions options, ILogger logger, ChatEvents events, ChatMetrics metrics)
{
    public ChatServerOptions Options => options;

    public ILogger Logger => logger;

    public ChatEvents Events => events;

    public ChatMetrics Metrics => metrics;

    /// <summary>The counters of one session, made when its input starts.</summary>
    public SessionInput For(ChatSession session) => new(this, session);
}
