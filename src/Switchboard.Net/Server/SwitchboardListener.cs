using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Net;

/// <summary>Handles one accepted connection. <paramref name="shutdown"/> fires when the listener shuts down gracefully.</summary>
public delegate Task ConnectionHandler(SwitchboardConnection connection, CancellationToken shutdown);

/// <summary>
/// Accepts connections on one endpoint (TCP, TLS or a Unix socket) through Kestrel's connection layer and hands
/// each to a <see cref="ConnectionHandler"/>. The QTcpServer / QLocalServer of Switchboard.
/// </summary>
public sealed partial class SwitchboardListener : IAsyncDisposable
{
    private readonly ListenerOptions _options;
    private readonly ConnectionHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdownCts = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _host;
    private IServer? _server;
    private Task? _stopTask;
    private ListenOptions? _listenOptions;
    private int _active;
    private volatile bool _accepting = true;

    private SwitchboardListener(ListenerOptions options, ConnectionHandler handler, ILogger logger, ConnectionRegistry registry)
    {
        _options = options;
        _handler = handler;
        _logger = logger;
        Connections = registry;
    }

    /// <summary>The endpoint actually bound (with the real port when 0 was asked for).</summary>
    public EndPoint BoundEndPoint { get; private set; } = new IPEndPoint(IPAddress.None, 0);

    /// <summary>The transport of this listener.</summary>
    public TransportKind TransportKind => _options.TransportKind;

    /// <summary>The live connections.</summary>
    public ConnectionRegistry Connections { get; }

    /// <summary>Whether new connections are being accepted.</summary>
    public bool IsListening => _accepting;

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
        loggerFactory ??= NullLoggerFactory.Instance;
        var listener = new SwitchboardListener(options, handler, loggerFactory.CreateLogger<SwitchboardListener>(), registry ?? new ConnectionRegistry());
        await listener.BindAsync(loggerFactory, cancellationToken);
        return listener;
    }

    private async Task BindAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (_options.EndPoint is UnixDomainSocketEndPoint unix)
        {
            await UnixSocketFile.ClaimAsync(unix.ToString(), cancellationToken);
        }

        // An empty web host gives Kestrel the services it expects (metrics, TLS middleware) without any HTTP
        // pipeline: the endpoint below runs our connection delegate only.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        if (_options.InlineScheduling)
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(_options.EndPoint, listen =>
            {
                _listenOptions = listen;
                if (_options.Certificate is { } certificate)
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        SslProtocols = SslProtocols.None,
                        HandshakeTimeout = TimeSpan.FromSeconds(10),
                    });
                }

                listen.Run(OnConnectionAsync);
            });
        });

        _host = builder.Build();
        _server = _host.Services.GetRequiredService<IServer>();
        try
        {
            await _server.StartAsync(new NoHttpApplication(), cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await _host.DisposeAsync();
            throw new IOException($"cannot listen on {SwitchboardConnection.DescribeEndPoint(_options.EndPoint)}: the address is already in use", ex);
        }

        BoundEndPoint = _listenOptions?.EndPoint ?? _options.EndPoint;
        Log.Listening(_logger, _options.TransportKind, SwitchboardConnection.DescribeEndPoint(BoundEndPoint));
    }

    private async Task OnConnectionAsync(ConnectionContext context)
    {
        var connection = SwitchboardConnection.Create(_options.Connection, ConnectionState.Unconnected);
        connection.Attach(new KestrelTransport(context), _options.TransportKind);
        if (!_accepting || !Connections.TryAdd(connection, _options.MaxConnections))
        {
            var why = _accepting ? $"connection limit of {_options.MaxConnections} reached" : "not listening";
            Log.Rejected(_logger, connection.ToString(), why);
            if (!_options.RejectMessage.IsEmpty)
            {
                connection.TrySend(_options.RejectMessage.Span);
            }

            await connection.CloseAsync(why);
            await connection.DisposeAsync();
            return;
        }

        Interlocked.Increment(ref _active);
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
            if (Interlocked.Decrement(ref _active) == 0 && !_accepting)
            {
                _drained.TrySetResult();
                _ = ReleaseAddressAsync();
            }
        }
    }

    /// <summary>
    /// Stops accepting new connections; connections already open carry on. A Unix socket's path is removed at once,
    /// so nobody can reach it. A TCP port stays bound while connections remain (Kestrel cannot unbind one endpoint
    /// without closing its connections), and newcomers are closed on arrival; the port is released when the last
    /// connection ends.
    /// </summary>
    public async Task StopListeningAsync()
    {
        if (!_accepting)
        {
            return;
        }

        _accepting = false;
        if (_options.EndPoint is UnixDomainSocketEndPoint unix)
        {
            UnixSocketFile.Remove(unix.ToString());
        }

        Log.StoppedListening(_logger, SwitchboardConnection.DescribeEndPoint(BoundEndPoint), Connections.Count);
        if (Volatile.Read(ref _active) == 0)
        {
            await ReleaseAddressAsync();
        }
    }

    private Task ReleaseAddressAsync()
    {
        lock (_drained)
        {
            // Kestrel's stop unbinds, then closes whatever connections remain: only called when none do.
            _stopTask ??= _server?.StopAsync(CancellationToken.None) ?? Task.CompletedTask;
            return _stopTask;
        }
    }

    /// <summary>
    /// Stops accepting, signals every handler through its shutdown token, waits up to
    /// <see cref="ListenerOptions.ShutdownTimeout"/> for them to finish, then aborts the rest.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        await StopListeningAsync();
        if (!_shutdownCts.IsCancellationRequested)
        {
            _shutdownCts.Cancel();
        }

        if (Volatile.Read(ref _active) == 0)
        {
            _drained.TrySetResult();
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

        await ReleaseAddressAsync().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Shuts down gracefully and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _shutdownCts.Dispose();
    }

    private sealed class NoHttpApplication : IHttpApplication<object>
    {
        public object CreateContext(IFeatureCollection contextFeatures) => throw new NotSupportedException("raw connection listener");

        public void DisposeContext(object context, Exception? exception)
        {
        }

        public Task ProcessRequestAsync(object context) => Task.CompletedTask;
    }
}
