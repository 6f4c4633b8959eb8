namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    /// <summary>
    /// Creates an unconnected client connection, to subscribe to its events before connecting it with
    /// <see cref="ConnectToHostAsync"/>, <see cref="ConnectToHost"/> or <see cref="ConnectToServerAsync"/>
    /// (QTcpSocket's constructor, then connectToHost). It can be connected once.
    /// </summary>
    /// <param name="options">Timeout, TLS, proxy and connection options; defaults when null.</param>
    public static SwitchboardConnection CreateClient(ClientOptions? options = null)
        => Create(options ?? new ClientOptions(), ConnectionState.Unconnected);

    /// <summary>
    /// Connects this client connection over TCP (and TLS or a proxy, as its <see cref="ClientOptions"/> say), as
    /// <see cref="ConnectTcpAsync(string, int, ClientOptions?, EventHandler{ConnectionStateChangedEventArgs}?, CancellationToken)"/>
    /// does. <see cref="Connected"/> is raised on success; a failure is raised through <see cref="ErrorOccurred"/>
    /// as well as thrown.
    /// </summary>
    /// <exception cref="ConnectException">The connection could not be made.</exception>
    /// <exception cref="InvalidOperationException">The connection is not a new client connection.</exception>
    public async Task ConnectToHostAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ClaimConnect();
        await ReportingConnectFailureAsync(ConnectTcpCoreAsync(host, port, cancellationToken));
    }

    /// <summary>Connects this client connection to a Unix domain socket (QLocalSocket::connectToServer); otherwise as <see cref="ConnectToHostAsync"/>.</summary>
    /// <exception cref="ConnectException">The connection could not be made.</exception>
    /// <exception cref="InvalidOperationException">The connection is not a new client connection.</exception>
    public async Task ConnectToServerAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ClaimConnect();
        await ReportingConnectFailureAsync(ConnectUnixCoreAsync(path, cancellationToken));
    }

    /// <summary>
    /// Starts connecting and returns at once, as QAbstractSocket::connectToHost: the outcome arrives as
    /// <see cref="Connected"/> or <see cref="ErrorOccurred"/>, or is waited for with <see cref="WaitForConnected"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection is not a new client connection.</exception>
    public void ConnectToHost(string host, int port)
    {
        var attempt = ConnectToHostAsync(host, port);
        // The failure was raised through ErrorOccurred; observe it here so it is not an unobserved exception.
        attempt.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void ClaimConnect()
    {
        ClientOptionsOrThrow();
        lock (_stateGate)
        {
            if (_state != ConnectionState.Unconnected || _transport is not null || _connectClaimed)
            {
                throw new InvalidOperationException("only a new client connection can connect, and only once");
            }

            _connectClaimed = true;
            _connectPending = true;
        }
    }

    private bool _connectClaimed;

    // Set while a connect started by ConnectToHost/ConnectToServer has not reported its outcome: the state turns
    // Closed before ErrorOccurred is raised, and WaitForConnected must not return in between.
    private bool _connectPending;

    private async Task ReportingConnectFailureAsync(Task connect)
    {
        try
        {
            await connect;
        }
        catch (ConnectException ex)
        {
            RaiseError(new ConnectionErrorEventArgs(ConnectionErrorKind.ConnectFailed, ex.Message, ex));
            throw;
        }
        finally
        {
            Volatile.Write(ref _connectPending, false);
            Pulse();
        }
    }

    private ClientOptions ClientOptionsOrThrow()
        => _options as ClientOptions ?? throw new InvalidOperationException("an accepted connection cannot connect");
}
