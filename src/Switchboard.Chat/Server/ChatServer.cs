using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Chat.Commands;
using Switchboard.Chat.Rooms;
using Switchboard.Chat.Server;
using Switchboard.Chat.Storage;
using Switchboard.Chat.Storage.Postgres;
using Switchboard.Chat.Storage.Sqlite;
using Switchboard.Net;

namespace Switchboard.Chat;

/// <summary>
/// The chat server: listeners (TCP, TLS, Unix socket) sharing one set of sessions, rooms and one store (SQLite
/// for one node, or PostgreSQL shared by several nodes).
/// Create it, <see cref="StartAsync"/>, and <see cref="StopAsync"/> for a graceful shutdown. The members in
/// ChatServer.Api.cs are the surface for a web console (sessions, listeners, events, send, kick, announce,
/// post, history).
/// </summary>
public sealed partial class ChatServer : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConnectionRegistry _registry = new();
    private readonly ChatEvents _events;
    private readonly SessionDirectory _sessions;
    private readonly Moderation _moderation;
    private readonly RoomService _rooms;
    private readonly MessageDelivery _delivery;
    private readonly CommandSurface _commandSurface;
    private readonly ChatConnectionHandler _connections;
    // A crowd of refused or dropped clients would write one warning each: at most 10 each per 10 s.
    private readonly LogRateLimiter _dropLog = new();
    private readonly StoreSink _sink;
    private readonly OutboundBudget _budget;
    private readonly WebPostGate _webPosts;
    private readonly WebUsers _webUsers;
    private readonly ChatMetrics _metrics;
    private readonly List<SwitchboardListener> _listeners = [];
    private IChatStore? _store;
    private int _state; // 0 new, 1 started, 2 stopping or stopped

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    public ChatServer(ChatServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ChatServer>();

        // The parts, each with one job; they reach the store (opened by StartAsync) through this accessor.
        Func<IChatStore> store = () => Store;
        var nodeName = string.IsNullOrWhiteSpace(options.Postgres) ? LocalPresence.NodeName : options.NodeName;
        _events = new ChatEvents(this, _logger);
        // Moderation is made on the next line; the ban check first runs when a connection arrives.
        _sessions = new SessionDirectory(store, nick => _moderation!.IsBanned("nick", nick));
        _moderation = new Moderation(_sessions, store, nodeName, _logger);
        _rooms = new RoomService(new RoomRegistry(options.MaxRooms, options.MaxRoomsPerAddressPerMinute), options, _events, store, nodeName, _logger);
        _delivery = new MessageDelivery(_sessions, _rooms.Registry, _events, store, new StorageQuota(options));
        _commandSurface = new CommandSurface(options, _logger, store, _sessions, _rooms, _delivery, _moderation);
        _metrics = new ChatMetrics(this);
        // One table for both ways in: its /oper gate counts failures per address whichever way they come.
        var commands = CommandTable.CreateDefault(options);
        // And one set of input limits (rate, flood, invalid lines, idle) for both.
        var input = new InputLimits(options, _logger, _events, _metrics);
        _connections = new ChatConnectionHandler(options, _logger, _registry, _sessions, _moderation, _rooms, commands, _commandSurface, _events, store, input);
        _budget = new OutboundBudget(options, _sessions, _events, _logger);
        _webPosts = new WebPostGate(options, _moderation);
        _webUsers = new WebUsers(options, _sessions, _moderation, _rooms, commands, _commandSurface, _webPosts, input, _connections, store);
        _sink = new StoreSink(_delivery, _moderation, _rooms, _sessions, _logger);
        _registry.SlowConsumerDropped += (connection, reason) =>
        {
            if (_dropLog.ShouldLog(out var suppressed))
            {
                Log.SlowConsumer(_logger, connection.ToString(), reason + LogRateLimiter.Note(suppressed));
            }

            _events.Publish(new ChatServerEvent(ChatEventKind.Error, DateTimeOffset.UtcNow, connection.Id, Peer: SwitchboardConnection.DescribeEndPoint(connection.RemoteEndPoint), Text: reason));
        };
    }

    /// <summary>The options the server runs with.</summary>
    public ChatServerOptions Options { get; }

    /// <summary>
    /// Opens the store (creating the data directory), then starts every configured listener. When this returns,
    /// <see cref="Listeners"/> holds the bound endpoints.
    /// </summary>
    /// <exception cref="IOException">An address is in use, or the data directory cannot be used.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the chat server was already started");
        }

        // Checked before anything is opened: a typo in the configuration is not a reason to touch the database.
        var retention = Options.ParseHistoryRetention();
        try
        {
            _store = string.IsNullOrWhiteSpace(Options.Postgres)
                ? SqliteChatStore.Open(Options.DataDirectory, Options.Durability, _sink, Options.StoreQueueCapacity, _logger, metrics: _metrics)
                : await PostgresChatStore.OpenAsync(Options.Postgres, Options.NodeName, _sink, Options, _logger, cancellationToken, _metrics);
            _moderation.Load(await _store.ReadBansAsync(cancellationToken));
            _rooms.Load(await _store.ReadTopicsAsync(cancellationToken));

            Log.StoreOpened(_logger, _store.Description, _store.LastId);
            StartRetention(retention);
            _budget.Start();
            foreach (var listenerOptions in BuildListenerOptions())
            {
                var listener = await SwitchboardListener.StartAsync(listenerOptions, _connections.HandleAsync, _loggerFactory, _registry, cancellationToken);
                lock (_listeners)
                {
                    _listeners.Add(listener);
                }
            }
        }
        catch
        {
            await StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Graceful shutdown: stops accepting, tells every client, closes the connections (flushing what is queued),
    /// then commits whatever is still queued for the store and closes it.
    /// </summary>
    /// <param name="cancellationToken">
    /// Cuts the graceful part short (a host whose shutdown timeout ran out): connections still open are aborted, and
    /// the store is still flushed and closed. It never makes the stop throw.
    /// </param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        // A copy taken under the lock AddListenerAsync adds under: a listener added now is either in it or refused.
        SwitchboardListener[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            await listener.StopListeningAsync();
        }

        var notice = "server shutting down";
        foreach (var session in _sessions.All)
        {
            session.TrySendLine(session.Format.Info(notice));
        }

        // Web pages' users have no handler to see the token: they end here, while the store is still open.
        foreach (var session in _sessions.All.Where(s => s.Web is not null).ToList())
        {
            session.Web!.Close(notice);
            await _webUsers.EndAsync(session);
        }

        // Each handler sees the shutdown token, closes its connection gracefully and ends.
        await Task.WhenAll(listeners.Select(l => l.ShutdownAsync(cancellationToken)));
        foreach (var listener in listeners)
        {
            await listener.DisposeAsync();
        }

        await StopRetentionAsync();
        await _budget.DisposeAsync();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _events.CompleteAll();

        Log.Stopped(_logger, _store?.LastId ?? 0);
        _metrics.Dispose();
    }

    /// <summary>Same as <see cref="StopAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    internal IChatStore Store => _store ?? throw new InvalidOperationException("the chat server is not started");

    internal long LastMessageId => _store?.LastId ?? 0;

    internal ChatMetrics Metrics => _metrics;

    internal RoomRegistry Rooms => _rooms.Registry;

    internal IEnumerable<ChatSession> AllSessions => _sessions.All;

    private IEnumerable<ListenerOptions> BuildListenerOptions()
    {
        var host = Options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(Options.Host.Trim('[', ']'), out var parsed) ? parsed
            : throw new InvalidOperationException($"the host to listen on must be an IP address (or localhost), not \"{Options.Host}\"");
        if (Options.EnableTcp)
        {
            yield return Configure(ListenerOptions.Tcp(host, Options.Port));
        }

        if (Options.TlsPort is { } tlsPort)
        {
            if (Options.CertificateFile is null || Options.KeyFile is null)
            {
                throw new InvalidOperationException("a TLS port needs a certificate and a key (--cert and --key)");
            }

            yield return ConfigureTls(Configure(ListenerOptions.Tcp(host, tlsPort)));
        }

        if (!string.IsNullOrEmpty(Options.UnixSocketPath))
        {
            yield return Configure(ListenerOptions.Unix(Options.UnixSocketPath));
        }
    }

    // What every chat listener shares, whether configured at start or added later by a console.
    private ListenerOptions Configure(ListenerOptions o)
    {
        o.Connection = new ConnectionOptions
        {
            MaxOutboundBufferSize = Options.MaxOutboundBufferSize,
            // listen's slow-consumer policy (a burst may queue past the soft limit for a while); OutboundBudget bounds
            // the sum over all sessions, which these alone would let reach MaxConnections x HardLimit.
            SlowConsumerSoftLimit = Options.SoftLimit,
            SlowConsumerSoftLimitTime = Options.SoftLimitTime,
            SlowConsumerHardLimit = Options.HardLimit,
            Backpressure = BackpressureMode.Wait,
            KeepAlive = TimeSpan.FromMinutes(1),
        };
        o.MaxConnections = Options.MaxConnections;
        o.RejectMessage = "ERR server-full the server has too many connections; try again later\n"u8.ToArray();
        o.ShutdownTimeout = Options.ShutdownTimeout;
        return o;
    }

    // The configured certificate, minimum version and client CAs; the caller has checked that a certificate is set.
    private ListenerOptions ConfigureTls(ListenerOptions o)
    {
        o.Certificate = ListenerOptions.LoadPemCertificate(Options.CertificateFile!, Options.KeyFile!);
        o.MinimumTlsVersion = Options.ParseTlsMinVersion();
        o.ClientCertificateAuthorities = Options.ClientCaFile is { Length: > 0 } ca ? ListenerOptions.LoadCertificateAuthorities(ca) : null;
        return o;
    }
}
