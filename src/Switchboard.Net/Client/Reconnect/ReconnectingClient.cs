namespace Switchboard.Net;

/// <summary>
/// A client that stays connected: it connects, runs a session on the connection, and when the connection is lost
/// (or cannot be made) it waits out an exponential backoff with jitter and connects again, until it is stopped
/// or gives up after <see cref="ReconnectOptions.MaxAttempts"/> failed attempts in a row. Each connection is an
/// ordinary <see cref="SwitchboardConnection"/>; this only decides when to make the next one.
/// </summary>
public sealed class ReconnectingClient
{
    private readonly Func<ClientOptions, CancellationToken, Task<SwitchboardConnection>> _connect;
    private readonly ClientOptions _options;
    private readonly ReconnectOptions _reconnect;
    private int _state = (int)ConnectionState.Unconnected;

    private ReconnectingClient(ClientOptions options, Func<ClientOptions, CancellationToken, Task<SwitchboardConnection>> connect)
    {
        _options = options;
        _reconnect = options.Reconnect ?? new ReconnectOptions();
        _connect = connect;
    }

    /// <summary>A client of a TCP (or TLS, or proxied) server.</summary>
    public static ReconnectingClient ForTcp(string host, int port, ClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        return new ReconnectingClient(options ?? new ClientOptions(), (o, ct) => SwitchboardConnection.ConnectTcpAsync(host, port, o, cancellationToken: ct));
    }

    /// <summary>A client of a Unix-socket server.</summary>
    public static ReconnectingClient ForUnix(string path, ClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new ReconnectingClient(options ?? new ClientOptions(), (o, ct) => SwitchboardConnection.ConnectUnixAsync(path, o, cancellationToken: ct));
    }

    /// <summary>Connecting, Connected, <see cref="ConnectionState.Reconnecting"/>, and Closed at the end.</summary>
    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>The connection in use, or null between connections.</summary>
    public SwitchboardConnection? Connection { get; private set; }

    /// <summary>Raised on every change of <see cref="State"/>, on the client's own thread. Handlers must not block.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised before each wait for a retry, with its attempt number, delay and reason.</summary>
    public event EventHandler<ReconnectingEventArgs>? Reconnecting;

    /// <summary>
    /// Connects and runs <paramref name="session"/> on each connection, reconnecting whenever the connection is
    /// lost or the session returns, until <paramref name="cancellationToken"/> is cancelled (returns normally).
    /// The session gets the connection and a token cancelled when the connection closes or the client stops; the
    /// connection is disposed after it returns. The session resumes its own protocol state (a chat's "since
    /// last id") from what it kept.
    /// </summary>
    /// <exception cref="ConnectException">The client gave up: <see cref="ReconnectOptions.MaxAttempts"/> attempts in a row failed; this is the last failure.</exception>
    public async Task RunAsync(Func<SwitchboardConnection, CancellationToken, Task> session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var failures = 0;
        // Waits since the last successful connect: the backoff grows with it, whether a connect failed or was lost.
        var waits = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                SetState(ConnectionState.Connecting, null);
                SwitchboardConnection connection;
                try
                {
                    connection = await _connect(_options, cancellationToken);
                }
                catch (ConnectException ex)
                {
                    failures++;
                    if (_reconnect.MaxAttempts is { } max && failures >= max)
                    {
                        throw new ConnectException(ex.Error, $"gave up after {failures} attempts: {ex.Message}", ex);
                    }

                    await WaitAsync(++waits, ex.Message, cancellationToken);
                    continue;
                }

                failures = 0;
                waits = 0;
                var reason = await RunSessionAsync(connection, session, cancellationToken);
                if (!cancellationToken.IsCancellationRequested)
                {
                    await WaitAsync(++waits, reason, cancellationToken);
                }
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

    private async Task WaitAsync(int attempt, string reason, CancellationToken cancellationToken)
    {
        var delay = _reconnect.DelayFor(attempt);
        SetState(ConnectionState.Reconnecting, reason);
        try
        {
            Reconnecting?.Invoke(this, new ReconnectingEventArgs(attempt, delay, reason));
        }
        catch (Exception)
        {
            // An observer's failure must not stop the client.
        }

        await Task.Delay(delay, cancellationToken);
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
}
