using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Net;

/// <summary>Handles one accepted connection. <paramref name="shutdown"/> fires when the listener shuts down gracefully.</summary>
public delegate Task ConnectionHandler(SwitchboardConnection connection, CancellationToken shutdown);

/// <summary>
/// Accepts connections on one endpoint (TCP, TLS or a Unix socket) and hands each to a
/// <see cref="ConnectionHandler"/>. The QTcpServer / QLocalServer of Switchboard: it can stop listening (unbind)
/// and listen again while the connections it accepted carry on.
/// </summary>
public sealed partial class SwitchboardListener : IAsyncDisposable
{
    private readonly ListenerOptions _options;
    private readonly ConnectionHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdownCts = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Serializes start, stop and shutdown.
    private readonly SemaphoreSlim _transitions = new(1, 1);

    // Guards _state, _active and _closing: an ending connection and a shutdown must agree on "drained".
    private readonly Lock _gate = new();
    private ListenerState _state = ListenerState.Stopped;
    private Binding? _binding;
    private int _active;
    private int _pendingHandshakes;

    // A flood of refused clients would log one warning each: at most 10 of each kind per 10 s.
    private readonly LogRateLimiter _handshakeRefusedLog = new();
    private readonly LogRateLimiter _rejectedLog = new();

    /// <summary>TLS handshakes in progress (for tests that must order clients against the cap).</summary>
    internal int PendingHandshakes => Volatile.Read(ref _pendingHandshakes);
    private bool _closing;

    // The certificate new TLS handshakes present; null for plain TCP and Unix sockets. Replaceable while running.
    private X509Certificate2? _certificate;

    // This binding's metric tags (transport, endpoint); new with each bind, since the port may change.
    private ListenerMetricTags _metricTags;

    private SwitchboardListener(ListenerOptions options, ConnectionHandler handler, ILoggerFactory loggerFactory, ConnectionRegistry registry)
    {
        _options = options;
        _certificate = options.Certificate;
        _handler = handler;
        _logger = loggerFactory.CreateLogger<SwitchboardListener>();
        Connections = registry;
        _metricTags = ListenerMetricTags.For(options.TransportKind, SwitchboardConnection.DescribeEndPoint(options.EndPoint));
    }

    /// <summary>
    /// The endpoint bound last (with the real port when 0 was asked for). It keeps its value while stopped, and
    /// changes when listening again had to take a new port (see <see cref="StartListeningAsync"/>).
    /// </summary>
    public EndPoint BoundEndPoint { get; private set; } = new IPEndPoint(IPAddress.None, 0);

    /// <summary>The transport of this listener.</summary>
    public TransportKind TransportKind => _options.TransportKind;

    /// <summary>The live connections.</summary>
    public ConnectionRegistry Connections { get; }

    /// <summary>Whether new connections are being accepted.</summary>
    public bool IsListening => State == ListenerState.Listening;

    /// <summary>Listening, stopped (unbound; accepted connections carry on), or closed.</summary>
    public ListenerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The options this listener was started with.</summary>
    public ListenerOptions Options => _options;

    /// <summary>
    /// Presents <paramref name="certificate"/> in every TLS handshake that starts from now on (a renewed
    /// certificate, say). Connections already open keep the session they negotiated and are not touched. The
    /// caller keeps ownership of both certificates: the previous one is not disposed, since sessions may still
    /// use it.
    /// </summary>
    /// <param name="certificate">The new server certificate, with its private key.</param>
    /// <returns>The certificate presented until now.</returns>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    /// <exception cref="InvalidOperationException">The listener was not started with a certificate (it does not speak TLS).</exception>
    public X509Certificate2 ReplaceCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the server certificate needs its private key", nameof(certificate));
        }

        if (_certificate is null)
        {
            throw new InvalidOperationException("this listener does not speak TLS; its certificate cannot be replaced");
        }

        return Interlocked.Exchange(ref _certificate, certificate)!;
    }

    /// <summary>
    /// Binds and starts accepting. A Unix socket path owned by a live server gives an <see cref="IOException"/>
    /// and leaves that server alone; a stale socket file is replaced; any other file there is an error and is left
    /// alone.
    /// </summary>
    /// <param name="options">Where and how to listen.</param>
    /// <param name="handler">Runs once per connection; the connection is closed when it returns.</param>
    /// <param name="loggerFactory">Where connection events are logged.</param>
    /// <param name="registry">A registry to share with other listeners; a new one when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SwitchboardListener> StartAsync(ListenerOptions options, ConnectionHandler handler, ILoggerFactory? loggerFactory = null, ConnectionRegistry? registry = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Connection.Validate();
        var listener = new SwitchboardListener(options, handler, loggerFactory ?? NullLoggerFactory.Instance, registry ?? new ConnectionRegistry());
        listener.CheckDescriptorBudget();
        await listener.StartListeningAsync(cancellationToken);
        return listener;
    }

    /// <summary>
    /// Listens again after <see cref="StopListeningAsync"/>; nothing happens when already listening. Connections
    /// that stayed open are not touched. It binds again: the same port when one was given, the same path for a
    /// Unix socket (probed as at the first start), and for port 0 the port it had if that is still free, else a
    /// new one (read <see cref="BoundEndPoint"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels binding again.</param>
    /// <exception cref="IOException">The address is now used by someone else; the listener stays stopped.</exception>
    /// <exception cref="ObjectDisposedException">The listener was shut down.</exception>
    public async Task StartListeningAsync(CancellationToken cancellationToken = default)
    {
        await _transitions.WaitAsync(cancellationToken);
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closing, this);
                if (_state == ListenerState.Listening)
                {
                    return;
                }
            }

            var binding = await BindAsync(_binding?.EndPoint, cancellationToken);
            lock (_gate)
            {
                _binding = binding;
                _state = ListenerState.Listening;
            }

            BoundEndPoint = binding.EndPoint;
            _metricTags = ListenerMetricTags.For(_options.TransportKind, SwitchboardConnection.DescribeEndPoint(BoundEndPoint));
            binding.Start(this);
            Log.Listening(_logger, _options.TransportKind, SwitchboardConnection.DescribeEndPoint(BoundEndPoint));
        }
        finally
        {
            _transitions.Release();
        }
    }

    /// <summary>
    /// Stops accepting and releases the address: TCP connects are refused and a Unix socket's file is removed.
    /// Connections already open carry on; <see cref="StartListeningAsync"/> listens again.
    /// </summary>
    public async Task StopListeningAsync()
    {
        await _transitions.WaitAsync();
        try
        {
            await StopCoreAsync();
        }
        finally
        {
            _transitions.Release();
        }
    }

    private async Task StopCoreAsync()
    {
        Binding? binding;
        int active;
        lock (_gate)
        {
            if (_state != ListenerState.Listening)
            {
                return;
            }

            _state = ListenerState.Stopped;
            binding = _binding;
            active = _active;
        }

        if (binding is not null)
        {
            await binding.UnbindAsync();
            Log.StoppedListening(_logger, SwitchboardConnection.DescribeEndPoint(binding.EndPoint), active);
        }
    }

    private async Task<Binding> BindAsync(EndPoint? previous, CancellationToken cancellationToken)
    {
        if (_options.EndPoint is UnixDomainSocketEndPoint unix)
        {
            await UnixSocketFile.ClaimAsync(unix.ToString(), cancellationToken);
            return new Binding(ListenSocket.Bind(unix, _options.Backlog), unix);
        }

        // Port 0 comes back on the port it had when that is still free, so clients that learned it can return.
        if (_options.EndPoint is IPEndPoint { Port: 0 } any && previous is IPEndPoint { Port: not 0 } before)
        {
            try
            {
                return Binding.Of(ListenSocket.Bind(new IPEndPoint(any.Address, before.Port), _options.Backlog));
            }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
            }
        }

        return Binding.Of(ListenSocket.Bind(_options.EndPoint, _options.Backlog));
    }

    /// <summary>
    /// Stops accepting, signals every handler through its shutdown token, waits up to
    /// <see cref="ListenerOptions.ShutdownTimeout"/> for them to finish, then aborts the rest. The listener cannot
    /// listen again afterwards.
    /// </summary>
    /// <param name="cancellationToken">
    /// Ends the wait early (a host that will not wait any longer): the rest are aborted at once, as after the
    /// timeout. It never makes the shutdown fail: a stop that throws would leave the caller's own clean-up undone.
    /// </param>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        await _transitions.WaitAsync(CancellationToken.None);
        try
        {
            lock (_gate)
            {
                _closing = true;
            }

            await StopCoreAsync();
        }
        finally
        {
            _transitions.Release();
        }

        if (!_shutdownCts.IsCancellationRequested)
        {
            _shutdownCts.Cancel();
        }

        lock (_gate)
        {
            if (_active == 0)
            {
                _drained.TrySetResult();
            }
        }

        try
        {
            await _drained.Task.WaitAsync(_options.ShutdownTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            foreach (var connection in Connections.Snapshot())
            {
                connection.Abort("server shutdown: did not close in time");
            }
        }

        lock (_gate)
        {
            _state = ListenerState.Closed;
        }
    }

    /// <summary>Shuts down gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        _shutdownCts.Dispose();
    }
}
