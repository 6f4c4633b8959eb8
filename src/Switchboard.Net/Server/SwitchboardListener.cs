using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Net;

/// <summary>Handles one accepted connection. <paramref name="shutdown"/> fires when the listener shuts down gracefully.</summary>
public delegate Task ConnectionHandler(SwitchboardConnection connection, CancellationToken shutdown);

/// <summary>
/// Accepts connections on one endpoint (TCP, TLS or a Unix socket) through Kestrel's connection layer and hands
/// each to a <see cref="ConnectionHandler"/>. The QTcpServer / QLocalServer of Switchboard: it can stop listening
/// and listen again while the connections it accepted carry on.
/// </summary>
public sealed partial class SwitchboardListener : IAsyncDisposable
{
    private readonly ListenerOptions _options;
    private readonly ConnectionHandler _handler;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdownCts = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Serializes start, stop and shutdown, which await binding and unbinding.
    private readonly SemaphoreSlim _transitions = new(1, 1);

    // Guards _state, _binding and _active: an arriving or ending connection and a transition must agree on
    // whether the address is to be kept or released.
    private readonly Lock _gate = new();
    private ListenerState _state = ListenerState.Stopped;
    private Binding? _binding;
    private int _active;
    private bool _closing;

    private SwitchboardListener(ListenerOptions options, ConnectionHandler handler, ILoggerFactory loggerFactory, ConnectionRegistry registry)
    {
        _options = options;
        _handler = handler;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SwitchboardListener>();
        Connections = registry;
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

    /// <summary>Listening, draining (stopped with the address still held by live connections), stopped, or closed.</summary>
    public ListenerState State
    {
        get
        {
            lock (_gate)
            {
                // Stopped begins when the last connection ends, but the address is held until Kestrel lets go.
                return _state == ListenerState.Stopped && _binding?.Released is { IsCompleted: false } ? ListenerState.Draining : _state;
            }
        }
    }

    /// <summary>The options this listener was started with.</summary>
    public ListenerOptions Options => _options;

    /// <summary>
    /// Binds and starts accepting. A Unix socket path owned by a live server gives an <see cref="IOException"/>
    /// and leaves that server alone; a stale socket file is replaced.
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
        var listener = new SwitchboardListener(options, handler, loggerFactory ?? NullLoggerFactory.Instance, registry ?? new ConnectionRegistry());
        await listener.StartListeningAsync(cancellationToken);
        return listener;
    }

    /// <summary>
    /// Listens again after <see cref="StopListeningAsync"/>; nothing happens when already listening. Connections
    /// that stayed open are not touched. When the address is still held (<see cref="ListenerState.Draining"/>)
    /// the listener just accepts again, on the same port or path. When it was released, it binds again: the same
    /// port when one was given, the same path for a Unix socket (probed as at the first start), and for port 0 the
    /// port it had if that is still free, else a new one (read <see cref="BoundEndPoint"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels binding again.</param>
    /// <exception cref="IOException">The address is now used by someone else; the listener stays stopped.</exception>
    /// <exception cref="ObjectDisposedException">The listener was shut down.</exception>
    public async Task StartListeningAsync(CancellationToken cancellationToken = default)
    {
        await _transitions.WaitAsync(cancellationToken);
        try
        {
            Binding? released;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closing, this);
                if (_state == ListenerState.Listening)
                {
                    return;
                }

                if (_state == ListenerState.Draining)
                {
                    _state = ListenerState.Listening;
                    Log.ListeningAgain(_logger, SwitchboardConnection.DescribeEndPoint(BoundEndPoint), _active);
                    return;
                }

                released = _binding;
            }

            if (released is not null)
            {
                // A stopped Kestrel server cannot start again: wait until the old one has let go of the address,
                // then bind a new one.
                await released.DisposeAsync();
            }

            await BindAsync(released?.EndPoint, cancellationToken);
        }
        finally
        {
            _transitions.Release();
        }
    }

    /// <summary>
    /// Stops accepting new connections; connections already open carry on, and <see cref="StartListeningAsync"/>
    /// listens again. Kestrel cannot unbind one endpoint without closing its connections, so while any remain the
    /// address stays bound (<see cref="ListenerState.Draining"/>) and newcomers are closed on arrival, for TCP and
    /// Unix sockets alike (the socket file stays). The address is released when the last connection ends
    /// (<see cref="ListenerState.Stopped"/>): TCP connects are then refused and a Unix socket's file is gone.
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

    private Task StopCoreAsync()
    {
        Task? release = null;
        lock (_gate)
        {
            if (_state != ListenerState.Listening)
            {
                return _binding?.Released ?? Task.CompletedTask;
            }

            _state = _active == 0 ? ListenerState.Stopped : ListenerState.Draining;
            Log.StoppedListening(_logger, SwitchboardConnection.DescribeEndPoint(BoundEndPoint), _active);
            if (_active == 0)
            {
                release = ReleaseLocked();
            }
        }

        return release ?? Task.CompletedTask;
    }

    // Kestrel's stop unbinds, then closes whatever connections remain: called when none do, or at shutdown once the
    // stragglers were aborted. It runs on the pool, off the lock and off the connection whose end triggered it
    // (which Kestrel's stop waits for).
    private Task ReleaseLocked()
    {
        var binding = _binding!;
        return binding.Released ??= Task.Run(async () =>
        {
            await binding.Server.StopAsync(CancellationToken.None);
            Log.Released(_logger, SwitchboardConnection.DescribeEndPoint(binding.EndPoint));
        });
    }

    private async Task OnConnectionAsync(Binding binding, ConnectionContext context)
    {
        var connection = SwitchboardConnection.Create(_options.Connection, ConnectionState.Unconnected);
        connection.Attach(new KestrelTransport(context), _options.TransportKind);
        string? why = null;
        var full = false;
        lock (_gate)
        {
            if (_state != ListenerState.Listening || !ReferenceEquals(binding, _binding))
            {
                why = "not listening";
            }
            else if (!Connections.TryAdd(connection, _options.MaxConnections))
            {
                why = $"connection limit of {_options.MaxConnections} reached";
                full = true;
            }
            else
            {
                _active++;
            }
        }

        if (why is not null)
        {
            await RejectAsync(connection, why, full);
            return;
        }

        try
        {
            await _handler(connection, _shutdownCts.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HandlerFailed(_logger, connection.ToString(), ex);
            connection.Abort($"handler failed: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Connections.Remove(connection);
            await connection.DisposeAsync();
            lock (_gate)
            {
                if (--_active == 0)
                {
                    if (_state == ListenerState.Draining)
                    {
                        _state = ListenerState.Stopped;
                        _ = ReleaseLocked();
                    }

                    if (_shutdownCts.IsCancellationRequested)
                    {
                        _drained.TrySetResult();
                    }
                }
            }
        }
    }

    private async Task RejectAsync(SwitchboardConnection connection, string why, bool explainFull)
    {
        Log.Rejected(_logger, connection.ToString(), why);
        // The reject message explains a full server; a stopped listener just closes, as a refused connect would.
        if (explainFull && !_options.RejectMessage.IsEmpty)
        {
            connection.TrySend(_options.RejectMessage.Span);
        }

        await connection.CloseAsync(why);
        await connection.DisposeAsync();
    }

    /// <summary>
    /// Stops accepting, signals every handler through its shutdown token, waits up to
    /// <see cref="ListenerOptions.ShutdownTimeout"/> for them to finish, then aborts the rest and releases the
    /// address. The listener cannot listen again afterwards.
    /// </summary>
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

        Binding? binding;
        lock (_gate)
        {
            if (_active == 0)
            {
                _drained.TrySetResult();
            }

            binding = _binding;
        }

        try
        {
            await _drained.Task.WaitAsync(_options.ShutdownTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            foreach (var connection in Connections.Snapshot())
            {
                connection.Abort("server shutdown: did not close in time");
            }
        }

        if (binding is not null)
        {
            Task release;
            lock (_gate)
            {
                // Normally released by the last connection's end; after aborts Kestrel's stop closes the rest.
                release = ReleaseLocked();
            }

            await release.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        lock (_gate)
        {
            _state = ListenerState.Closed;
        }
    }

    /// <summary>Shuts down gracefully and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        Binding? binding;
        lock (_gate)
        {
            binding = _binding;
        }

        if (binding is not null)
        {
            await binding.DisposeAsync();
        }

        _shutdownCts.Dispose();
    }
}
