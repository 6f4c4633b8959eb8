namespace Switchboard.Net;

/// <summary>
/// How a <see cref="ReconnectingClient"/> retries: exponential backoff with jitter up to a maximum delay, and a
/// give-up count; optionally a heartbeat that notices a silent, half-dead connection.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>The delay before the first retry: 250 ms. Each failed attempt doubles it, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest delay between attempts: 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The spread of each delay, as a fraction: 0.2 makes a delay anything from 80 % to 120 % of its nominal
    /// value, so clients that lost one server together do not all return at the same instant. 0 for none.
    /// </summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>Consecutive failed connect attempts after which the client gives up; null (the default) never does.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// When true, a connection counts as made only once the session calls
    /// <see cref="ReconnectingClient.ConfirmConnection"/> (say, when the server's greeting arrives): one lost before
    /// that is a failed attempt, so a server that accepts and then drops every client (or sends garbage) is retried
    /// with growing waits instead of at once. False (the default): a completed connect is enough.
    /// </summary>
    public bool RequireConfirmation { get; set; }

    /// <summary>
    /// Sends <see cref="HeartbeatMessage"/> when the connection has been quiet in either direction for this long:
    /// nothing received (the peer may be gone) or nothing sent (the peer's own idle timeout may be about to close
    /// a client that only listens). A connection busy both ways is never pinged. Null (the default) sends none.
    /// A peer that then sends nothing for <see cref="HeartbeatTimeout"/> is taken as gone: the connection is
    /// aborted with the reason "heartbeat: no answer within N s" and the client reconnects.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>
    /// How long after a heartbeat an answer must arrive: 10 s. Any bytes count as the answer (whatever the peer
    /// says proves it is there), so the protocol's reply to the ping needs no recognising here; the session reads
    /// it like any other message. Only bytes the session consumes count: a session must keep reading.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The bytes of a heartbeat, a whole frame of the protocol spoken, which the peer answers: "/ping\n" (the chat
    /// server's, answered by a pong line) by default.
    /// </summary>
    public ReadOnlyMemory<byte> HeartbeatMessage { get; set; } = "/ping\n"u8.ToArray();

    /// <summary>
    /// The delay before retry number <paramref name="attempt"/> (1 for the first): <see cref="InitialDelay"/>
    /// doubled per earlier attempt, capped at <see cref="MaxDelay"/>, then spread by <see cref="Jitter"/>.
    /// </summary>
    public TimeSpan DelayFor(int attempt, Random? random = null)
    {
        var nominal = NominalDelayFor(attempt).TotalMilliseconds;
        var spread = Math.Clamp(Jitter, 0, 1);
        var factor = 1 + (spread * ((2 * (random ?? Random.Shared).NextDouble()) - 1));
        return TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, nominal * factor));
    }

    /// <summary>The delay before retry number <paramref name="attempt"/> before jitter: what a status line can show.</summary>
    public TimeSpan NominalDelayFor(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30))));
    }
}

/// <summary>Arguments of <see cref="ReconnectingClient.Reconnecting"/>.</summary>
/// <param name="Attempt">The number of the coming attempt since the last success (1 for the first retry).</param>
/// <param name="Delay">How long the client waits before it, jitter included; zero when it moves straight on to the next endpoint.</param>
/// <param name="Reason">Why: the lost connection's close reason, or the connect failure.</param>
public sealed record ReconnectingEventArgs(int Attempt, TimeSpan Delay, string Reason)
{
    /// <summary><see cref="Delay"/> before jitter: the backoff step (0.25 s, 0.5 s, 1 s...), for people to read.</summary>
    public TimeSpan NominalDelay { get; init; }

    /// <summary>True when a connection was made and then lost; false when the connect itself failed.</summary>
    public bool ConnectionLost { get; init; }

    /// <summary>The endpoint that failed or was lost.</summary>
    public System.Net.EndPoint? From { get; init; }

    /// <summary>The endpoint of the coming attempt: the next one in turn when the client has several.</summary>
    public System.Net.EndPoint? To { get; init; }
}
