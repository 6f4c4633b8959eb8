using System.Net;

namespace Switchboard.Net;

/// <summary>
/// A client that stays connected: it connects, runs a session on the connection, and when the connection is lost
/// (or cannot be made) it connects again, until it is stopped or gives up after
/// <see cref="ReconnectOptions.MaxAttempts"/> failed attempts in a row. Given several endpoints (the nodes of one
/// cluster) it tries them in turn: a failed or lost endpoint is followed at once by the next, and only when every
/// endpoint has failed in a row does it wait out an exponential backoff with jitter. Each connection is an
/// ordinary <see cref="SwitchboardConnection"/>; this only decides when and where to make the next one.
/// </summary>
public sealed class ReconnectingClient
{
    private readonly IReadOnlyList<ReconnectTarget> _targets;
    private readonly ClientOptions _options;
    private readonly ReconnectOptions _reconnect;
    private int _state = (int)ConnectionState.Unconnected;
    private int _current;
    private int _confirmed;

    private ReconnectingClient(ClientOptions options, IReadOnlyList<ReconnectTarget> targets)
    {
        _options = options;
        _reconnect = options.Reconnect ?? new ReconnectOptions();
        _targets = targets;
    }

    /// <summary>A client of a TCP (or TLS, or proxied) server.</summary>
    public static ReconnectingClient ForTcp(string host, int port, ClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        return ForTcp([new DnsEndPoint(host, port)], options);
    }

    /// <summary>
    /// A client of several TCP (or TLS, or proxied) servers, tried in the order given: the nodes of one cluster.
    /// It starts with the first and, whenever a connection fails or is lost, moves on to the next.
    /// </summary>
    public static ReconnectingClient ForTcp(IEnumerable<DnsEndPoint> servers, ClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var targets = servers.Select(s => new ReconnectTarget(s, (o, ct) => SwitchboardConnection.ConnectTcpAsync(s.Host, s.Port, o, cancellationToken: ct))).ToList();
        if (targets.Count == 0)
        {
            throw new ArgumentException("give at least one server", nameof(servers));
        }

        return new ReconnectingClient(options ?? new ClientOptions(), targets);
    }

    /// <summary>A client of a Unix-socket server.</summary>
    public static ReconnectingClient ForUnix(string path, ClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new ReconnectingClient(options ?? new ClientOptions(), [new ReconnectTarget(new System.Net.Sockets.UnixDomainSocketEndPoint(path), (o, ct) => SwitchboardConnection.ConnectUnixAsync(path, o, cancellationToken: ct))]);
    }

    /// <summary>Connecting, Connected, <see cref="ConnectionState.Reconnecting"/>, and Closed at the end.</summary>
    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>The connection in use, or null between connections.</summary>
    public SwitchboardConnection? Connection { get; private set; }

    /// <summary>
    /// The endpoint in use, or the one the next attempt goes to: a <see cref="DnsEndPoint"/> for TCP, a
    /// <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/> for a Unix socket.
    /// </summary>
    public EndPoint EndPoint => _targets[Volatile.Read(ref _current)].EndPoint;

    /// <summary>Raised on every change of <see cref="State"/>, on the client's own thread. Handlers must not block.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>
    /// Raised before each new attempt after a failure or a lost connection, with its attempt number, delay (zero
    /// when the client moves straight on to the next endpoint), reason and endpoints.
    /// </summary>
    public event EventHandler<ReconnectingEventArgs>? Reconnecting;

    /// <summary>
    /// Tells the client whether the current connection works. True (the session's protocol greeted it): when it is
    /// lost the backoff starts over; needed only with <see cref="ReconnectOptions.RequireConfirmation"/>. False
    /// withdraws that (the peer broke the protocol after all): its loss counts as a failed attempt.
    /// </summary>
    public void ConfirmConnection(bool works = true) => Volatile.Write(ref _confirmed, works ? 1 : 0);

    /// <summary>
    /// Connects and runs <paramref name="session"/> on each connection, reconnecting whenever the connection is
    /// lost or the session returns, until <paramref name="cancellationToken"/> is cancelled (returns normally).
    /// The session gets the connection and a token cancelled when the connection closes or the client stops; the
    /// connection is disposed after it returns. The session resumes its own protocol state (a chat's "since
    /// last id") from what it kept. A session that ends its connection with a reason (<c>Abort(reason)</c>,
    /// <c>CloseAsync(reason)</c>) has that reason reported by <see cref="Reconnecting"/>.
    /// </summary>
    /// <exception cref="ConnectException">The client gave up: <see cref="ReconnectOptions.MaxAttempts"/> attempts in a row failed; this is the last failure.</exception>
    public async Task RunAsync(Func<SwitchboardConnection, CancellationToken, Task> session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        // Failed attempts in a row, for the give-up count; retries since the last good connection, for the
        // attempt number; rounds (every endpoint failed once) since then, for the backoff; endpoints failed in
        // the round under way.
        var failures = 0;
        var retries = 0;
        var rounds = 0;
        var failedInRound = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                SetState(ConnectionState.Connecting, null);
                var target = _targets[_current];
                string reason;
                ConnectException? failure = null;
                var lost = false;
                try
                {
                    var connection = await target.Connect(_options, cancellationToken);
                    Volatile.Write(ref _confirmed, _reconnect.RequireConfirmation ? 0 : 1);
                    reason = await RunSessionAsync(connection, session, cancellationToken);
                    lost = true;
                }
                catch (ConnectException ex)
                {
                    reason = ex.Message;
                    failure = ex;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (lost && Volatile.Read(ref _confirmed) == 1)
                {
                    failures = retries = rounds = failedInRound = 0;
                }
                else if (_reconnect.MaxAttempts is { } max && ++failures >= max)
                {
                    // A connection that never got confirmed counts as a failed attempt too; ConnectError.Other says so.
                    throw new ConnectException(failure?.Error ?? ConnectError.Other, $"gave up after {failures} attempts: {reason}", failure);
                }

                // The endpoint that just failed is tried again only after every other one.
                Volatile.Write(ref _current, (_current + 1) % _targets.Count);
                var delay = TimeSpan.Zero;
                var nominal = TimeSpan.Zero;
                if (++failedInRound >= _targets.Count)
                {
                    failedInRound = 0;
                    rounds++;
                    nominal = _reconnect.NominalDelayFor(rounds);
                    delay = _reconnect.DelayFor(rounds);
                }

                var args = new ReconnectingEventArgs(++retries, delay, reason)
                {
                    NominalDelay = nominal,
                    ConnectionLost = lost,
                    From = target.EndPoint,
                    To = _targets[_current].EndPoint,
                };
                await WaitAsync(args, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            SetState(ConnectionState.Closed, "stopped");
        }
    }

    private async Task<string> RunSessionAsync(SwitchboardConnection connection, Func<SwitchboardConnection, CancellationToken, Task> session, CancellationToken cancellationToken)
    {
        await using var _ = connection;
        Connection = connection;
        SetState(ConnectionState.Connected, null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closed);
        using var heartbeat = _reconnect.HeartbeatInterval is { } interval ? new Heartbeat(connection, interval, _reconnect) : null;
        try
        {
            await session(connection, stop.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ConnectionClosedException)
        {
            // The connection ended under the session: that is what reconnecting is for.
        }
        finally
        {
            Connection = null;
        }

        return connection.CloseReason ?? "the session ended";
    }

    private async Task WaitAsync(ReconnectingEventArgs args, CancellationToken cancellationToken)
    {
        SetState(ConnectionState.Reconnecting, args.Reason);
        try
        {
            Reconnecting?.Invoke(this, args);
        }
        catch (Exception)
        {
            // An observer's failure must not stop the client.
        }

        if (args.Delay > TimeSpan.Zero)
        {
            await Task.Delay(args.Delay, cancellationToken);
        }

        SetState(ConnectionState.Connecting, null);
    }

    private void SetState(ConnectionState next, string? reason)
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)next);
        if (previous == next)
        {
            return;
        }

        try
        {
            StateChanged?.Invoke(this, new ConnectionStateChangedEventArgs(previous, next, reason));
        }
        catch (Exception)
        {
        }
    }

    /// <summary>One endpoint of the client and how to connect to it.</summary>
    private sealed record ReconnectTarget(EndPoint EndPoint, Func<ClientOptions, CancellationToken, Task<SwitchboardConnection>> Connect);
}
