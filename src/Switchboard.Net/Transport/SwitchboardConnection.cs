using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>
/// One connection over TCP, TLS or a Unix domain socket, the same whether it was accepted by a
/// <see cref="SwitchboardListener"/> or opened with <c>ConnectTcpAsync</c>/<c>ConnectUnixAsync</c>.
/// Input is a <see cref="PipeReader"/> (read it directly or through <see cref="CreateReader{T}"/>); output is
/// written straight into one bounded send buffer, drained into the socket by one loop. Thread-safe for sending;
/// one reader at a time.
/// </summary>
public sealed partial class SwitchboardConnection : IAsyncDisposable
{
    private static long s_nextId;

    private readonly ConnectionOptions _options;
    private readonly CancellationTokenSource _closedCts = new();
    private readonly Lock _stateGate = new();
    private SocketTransport? _transport;
    private CountingPipeReader? _input;
    private SendBuffer? _outbound;
    private ITimer? _idleTimer;
    private ConnectionState _state;
    private string? _closeReason;
    private long _messagesSent;
    private long _messagesReceived;
    private int _disposed;
    private ConcurrentDictionary<string, object?>? _items;

    private SwitchboardConnection(ConnectionOptions options)
    {
        _options = options;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>A process-wide unique number for this connection.</summary>
    public long Id { get; }

    /// <summary>The transport under this connection.</summary>
    public TransportKind TransportKind { get; private set; }

    /// <summary>The local address and port, or socket path.</summary>
    public EndPoint? LocalEndPoint { get; private set; }

    /// <summary>The peer's address and port, or socket path.</summary>
    public EndPoint? RemoteEndPoint { get; private set; }

    /// <summary>When the connection reached <see cref="ConnectionState.Connected"/>.</summary>
    public DateTimeOffset ConnectedAt { get; private set; }

    /// <summary>The current state.</summary>
    public ConnectionState State
    {
        get
        {
            lock (_stateGate)
            {
                return _state;
            }
        }
    }

    /// <summary>Raised on every state change, on the thread that caused it. Handlers must not block.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Why the connection closed, once it has.</summary>
    public string? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>Cancelled when the connection is closed or aborted.</summary>
    public CancellationToken Closed => _closedCts.Token;

    /// <summary>Application state attached to this connection (a nick, a room, a protocol mode).</summary>
    /// <remarks>
    /// Created on first use: an empty concurrent dictionary is about half a kilobyte, which ten thousand idle
    /// connections that never use it would pay for nothing.
    /// </remarks>
    public ConcurrentDictionary<string, object?> Items
    {
        get
        {
            var items = Volatile.Read(ref _items);
            if (items is null)
            {
                Interlocked.CompareExchange(ref _items, new ConcurrentDictionary<string, object?>(), null);
                items = _items!;
            }

            return items;
        }
    }

    /// <summary>The bytes received from the peer. One reader at a time.</summary>
    public PipeReader Input => _input ?? throw new InvalidOperationException("the connection is not connected");

    /// <summary>Bytes consumed from the input so far.</summary>
    public long BytesReceived => _input?.BytesConsumed ?? 0;

    /// <summary>Bytes handed to the socket so far.</summary>
    public long BytesSent => _outbound?.SentBytes ?? 0;

    /// <summary>Messages read through readers created by <see cref="CreateReader{T}"/>.</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>Messages (send calls) accepted for sending.</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Bytes queued in the send buffer and not yet handed to the socket.</summary>
    public long QueuedBytes => _outbound?.QueuedBytes ?? 0;

    /// <summary>The options this connection was created with.</summary>
    public ConnectionOptions Options => _options;

    /// <summary>A short description for logs: transport and peer.</summary>
    public override string ToString() => $"#{Id} {TransportKind.ToString().ToLowerInvariant()} {DescribeEndPoint(RemoteEndPoint)}";

    /// <summary>Formats an endpoint as "address:port" ("[v6]:port"), or the socket path.</summary>
    public static string DescribeEndPoint(EndPoint? endPoint) => endPoint switch
    {
        null => "?",
        IPEndPoint ip => ip.ToString(),
        UnixDomainSocketEndPoint unix => string.IsNullOrEmpty(unix.ToString()) ? "unix:(unnamed)" : $"unix:{unix}",
        _ => endPoint.ToString() ?? "?",
    };

    internal static SwitchboardConnection Create(ConnectionOptions options, ConnectionState initial)
    {
        var connection = new SwitchboardConnection(options);
        connection._state = initial;
        return connection;
    }

    /// <summary>Attaches the transport; the connection becomes Connected.</summary>
    /// <param name="transport">The connected socket, under TLS or not.</param>
    /// <param name="kind">The transport's kind, as reported.</param>
    /// <param name="inlineSends">Whether the send buffer is drained on the sender's thread (see <see cref="SendBuffer"/>).</param>
    internal void Attach(SocketTransport transport, TransportKind kind, bool inlineSends)
    {
        _transport = transport;
        TransportKind = kind;
        LocalEndPoint = transport.LocalEndPoint;
        RemoteEndPoint = transport.RemoteEndPoint;
        _input = new CountingPipeReader(transport.Input, transport.Translate, transport.EndedBeforeData);
        // The drain loop starts with the first send (or the close): see SendBuffer.
        transport.Failed = error =>
        {
            OnSendFailed(error);
            MarkClosed($"send failed: {error.Message}");
        };
        _outbound = new SendBuffer(_options.MaxOutboundBufferSize, new NotifyingSendTarget(transport, this), inlineSends, _options.SlowConsumerSoftLimit);
        ConfigureSocket(transport.Socket, kind);
        ConnectedAt = DateTimeOffset.UtcNow;
        StartIdleTimer();
        SetState(ConnectionState.Connected, null);
    }

    private void ConfigureSocket(Socket socket, TransportKind kind) => SocketTuning.Apply(socket, kind, _options);

    private void StartIdleTimer()
    {
        if (_options.IdleTimeout is not { } idle || idle <= TimeSpan.Zero)
        {
            return;
        }

        var period = TimeSpan.FromMilliseconds(Math.Max(50, idle.TotalMilliseconds / 4));
        _idleTimer = TimeProvider.System.CreateTimer(_ => CheckIdle(idle), null, period, period);
    }

    private void CheckIdle(TimeSpan idle)
    {
        var input = _input;
        if (input is null)
        {
            return;
        }

        var silentFor = Environment.TickCount64 - input.LastActivityTicks;
        if (silentFor >= idle.TotalMilliseconds)
        {
            Abort($"idle timeout: nothing received for {idle.TotalSeconds:0.###} s");
        }
    }

    internal void CountMessageReceived() => Interlocked.Increment(ref _messagesReceived);

    private bool SetState(ConnectionState next, string? reason)
    {
        ConnectionState previous;
        lock (_stateGate)
        {
            previous = _state;
            if (previous == next || previous == ConnectionState.Closed)
            {
                return false;
            }

            _state = next;
        }

        try
        {
            StateChanged?.Invoke(this, new ConnectionStateChangedEventArgs(previous, next, reason));
        }
        catch (Exception)
        {
            // A faulty observer must not break the connection.
        }

        RaiseStateEvents(previous, next, reason);
        return true;
    }

    private void MarkClosed(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _idleTimer?.Dispose();
        // Closed, not closing: nothing is flushed any more, so a send loop that never started stays unstarted.
        _outbound?.Complete(CloseReason, graceful: false);
        SetState(ConnectionState.Closed, CloseReason);
        try
        {
            _closedCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
