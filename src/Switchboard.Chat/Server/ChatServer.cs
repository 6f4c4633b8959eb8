using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<long, ChatSession> _sessions = new();
    // A crowd of refused or dropped clients would write one warning each: at most 10 each per 10 s.
    private readonly LogRateLimiter _dropLog = new();
    private readonly LogRateLimiter _refuseLog = new();

    // By skeleton: nicks that look alike (aIice, alice) are one nick.
    private readonly ConcurrentDictionary<string, ChatSession> _nicks = new(NickSkeleton.Comparer);
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly ConcurrentDictionary<string, ChatBan> _bans = new(StringComparer.Ordinal);
    private readonly RoomRegistry _rooms;
    private readonly CommandTable _commands;
    private readonly StoreSink _sink;
    private readonly List<SwitchboardListener> _listeners = [];
    private readonly Lock _subscribersGate = new();
    private ChatEventSubscription[] _subscribers = [];
    private IChatStore? _store;
    private int _state; // 0 new, 1 started, 2 stopping or stopped

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    public ChatServer(ChatServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ChatServer>();
        _commands = CommandTable.CreateDefault(options);
        _rooms = new RoomRegistry(options.MaxRooms, options.MaxRoomsPerAddressPerMinute);
        _sink = new StoreSink(this);
        _registry.SlowConsumerDropped += (connection, reason) =>
        {
            if (_dropLog.ShouldLog(out var suppressed))
            {
                Log.SlowConsumer(_logger, connection.ToString(), reason + LogRateLimiter.Note(suppressed));
            }

            Publish(new ChatServerEvent(ChatEventKind.Error, DateTimeOffset.UtcNow, connection.Id, Peer: SwitchboardConnection.DescribeEndPoint(connection.RemoteEndPoint), Text: reason));
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
                ? SqliteChatStore.Open(Options.DataDirectory, Options.Durability, _sink, Options.StoreQueueCapacity, _logger)
                : await PostgresChatStore.OpenAsync(Options.Postgres, Options.NodeName, _sink, Options, _logger, cancellationToken);
            foreach (var ban in await _store.ReadBansAsync(cancellationToken))
            {
                _bans[BanKey(ban.Kind, ban.Value)] = ban;
            }

            foreach (var (room, (topic, by)) in await _store.ReadTopicsAsync(cancellationToken))
            {
                var r = _rooms.GetOrCreate(room);
                r.Topic = topic;
                r.TopicBy = by;
            }

            Log.StoreOpened(_logger, _store.Description, _store.LastId);
            StartRetention(retention);
            foreach (var listenerOptions in BuildListenerOptions())
            {
                var listener = await SwitchboardListener.StartAsync(listenerOptions, HandleConnectionAsync, _loggerFactory, _registry, cancellationToken);
                _listeners.Add(listener);
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
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        foreach (var listener in _listeners)
        {
            await listener.StopListeningAsync();
        }

        var notice = "server shutting down";
        foreach (var session in _sessions.Values)
        {
            session.TrySendLine(session.Format.Info(notice));
        }

        // Each handler sees the shutdown token, closes its connection gracefully and ends.
        await Task.WhenAll(_listeners.Select(l => l.ShutdownAsync(cancellationToken)));
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }

        await StopRetentionAsync();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        lock (_subscribersGate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Complete();
            }

            _subscribers = [];
        }

        Log.Stopped(_logger, _store?.LastId ?? 0);
    }

    /// <summary>Same as <see cref="StopAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    internal IChatStore Store => _store ?? throw new InvalidOperationException("the chat server is not started");

    /// <summary>This node's name among the nodes sharing the store ("local" alone).</summary>
    internal string NodeName => string.IsNullOrWhiteSpace(Options.Postgres) ? LocalPresence.NodeName : Options.NodeName;

    internal ILogger Logger => _logger;

    internal RoomRegistry Rooms => _rooms;

    internal CommandTable Commands => _commands;

    internal ChatSession? FindByNick(string nick) => _nicks.GetValueOrDefault(nick);

    internal IEnumerable<ChatSession> AllSessions => _sessions.Values;

    private IEnumerable<ListenerOptions> BuildListenerOptions()
    {
        var connection = new ConnectionOptions
        {
            MaxOutboundBufferSize = Options.MaxOutboundBufferSize,
            // The chat keeps its one limit: a session past it is dropped by the next line sent to it. The library's
            // soft/hard policy (8/32 MiB by default) would let 10,000 sessions queue 320 GiB; it can be adopted once a
            // global outbound budget bounds the sum (issue 13).
            SlowConsumerSoftLimit = Options.MaxOutboundBufferSize,
            SlowConsumerHardLimit = Options.MaxOutboundBufferSize,
            Backpressure = BackpressureMode.Wait,
            KeepAlive = TimeSpan.FromMinutes(1),
        };
        var reject = "ERR server-full the server has too many connections; try again later\n"u8.ToArray();
        ListenerOptions Configure(ListenerOptions o)
        {
            o.Connection = connection;
            o.MaxConnections = Options.MaxConnections;
            o.RejectMessage = reject;
            o.ShutdownTimeout = Options.ShutdownTimeout;
            return o;
        }

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

            var tls = Configure(ListenerOptions.Tcp(host, tlsPort));
            tls.Certificate = ListenerOptions.LoadPemCertificate(Options.CertificateFile, Options.KeyFile);
            yield return tls;
        }

        if (!string.IsNullOrEmpty(Options.UnixSocketPath))
        {
            yield return Configure(ListenerOptions.Unix(Options.UnixSocketPath));
        }
    }

    private void Publish(ChatServerEvent e)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Publish(e);
        }

        try
        {
            EventRaised?.Invoke(this, e);
        }
        catch (Exception ex)
        {
            // An observer's bug must not break the chat.
            Log.ObserverFailed(_logger, ex);
        }
    }

    private static string BanKey(string kind, string value) => kind + ":" + value.ToLowerInvariant();
}
