using System.Net;
using Switchboard.Chat.Protocol;
using Switchboard.Chat.Rooms;
using Switchboard.Net;

namespace Switchboard.Chat.Server;

/// <summary>
/// One connected chat user: nick, room, output mode and operator flag, over one <see cref="SwitchboardConnection"/>,
/// or, for a user of the web console's chat page, over a <see cref="WebSessionLink"/> (JSON lines for the page).
/// Messages from the commit writer arrive through <see cref="Deliver"/>, which never waits; replies to the
/// user's own commands go through <see cref="ReplyAsync"/>, which waits for this peer only.
/// </summary>
internal sealed class ChatSession
{
    // While a join replays history, live messages for the session wait here (bounded: past it the client is too
    // far behind and is dropped, as a non-reading one would be).
    private const int MaxQueuedDuringReplay = 10_000;

    private readonly Lock _gate = new();
    private readonly ConnectionRegistry? _registry;
    // The read loop's one cancellation source (see AttachReadLoop): ending the session cancels it, so a session
    // needs no cancellation source of its own.
    private CancellationTokenSource? _readLoop;
    private Queue<MessageLines>? _replayQueue;
    private string? _replayRoom;
    private volatile string _nick;
    private volatile Room? _room;
    private volatile OutputMode _mode;

    public ChatSession(SwitchboardConnection connection, ConnectionRegistry registry, string nick)
    {
        Connection = connection;
        _registry = registry;
        _nick = nick;
        Address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        Peer = SwitchboardConnection.DescribeEndPoint(connection.RemoteEndPoint);
    }

    /// <summary>A web chat page's user: its lines go to the page through <paramref name="web"/>, always as JSON.</summary>
    public ChatSession(WebSessionLink web, string nick)
    {
        Web = web;
        _nick = nick;
        _mode = OutputMode.Json;
        Address = web.Address;
        Peer = web.Peer;
    }

    /// <summary>The connection; null for a web page's user (<see cref="Web"/>).</summary>
    public SwitchboardConnection? Connection { get; }

    /// <summary>The web page's output; null for a connection's user.</summary>
    public WebSessionLink? Web { get; }

    /// <summary>
    /// The input limits of a web page's user, kept between its lines, which arrive in calls of their own; null for a
    /// connection's user, whose read loop keeps its own for as long as it reads.
    /// </summary>
    public SessionInput? Input { get; set; }

    public long Id => Connection?.Id ?? Web!.Id;

    /// <summary>Cancelled when the connection (or the page's session) is closed.</summary>
    public CancellationToken Closed => Connection?.Closed ?? Web!.Closed;

    /// <summary>Output queued and not yet taken by the peer.</summary>
    public long QueuedBytes => Connection?.QueuedBytes ?? Web!.QueuedBytes;

    /// <summary>Output the peer has taken.</summary>
    public long BytesSent => Connection?.BytesSent ?? Web!.BytesSent;

    /// <summary>Closes at once (a peer that does not read).</summary>
    public void Abort(string reason)
    {
        if (Connection is { } connection)
        {
            connection.Abort(reason);
        }
        else
        {
            Web!.Abort(reason);
        }
    }

    /// <summary>
    /// Closes gracefully: what is queued (a kick's reason) still reaches the peer, then <paramref name="lastLine"/>
    /// if given (for a web session in the same step as the close, so it stays the last line the page reads).
    /// </summary>
    public async Task CloseAsync(string reason, byte[]? lastLine = null)
    {
        if (Connection is { } connection)
        {
            if (lastLine is not null)
            {
                TrySendLine(lastLine);
            }

            await connection.CloseAsync(reason, CancellationToken.None);
        }
        else
        {
            Web!.Close(reason, lastLine);
        }
    }

    /// <summary>The peer's IP address; null on a Unix socket.</summary>
    public IPAddress? Address { get; }

    /// <summary>"address:port" or the socket path, for logs.</summary>
    public string Peer { get; }

    public string Nick
    {
        get => _nick;
        set => _nick = value;
    }

    public Room? Room
    {
        get => _room;
        set => _room = value;
    }

    public OutputMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    public bool IsOperator { get; set; }

    /// <summary>When (Environment.TickCount64) <see cref="OutboundBudget"/> first saw this session stalled; 0 when it is not.</summary>
    public long BehindSince { get; set; }

    /// <summary>Bytes sent as of <see cref="OutboundBudget"/>'s last sweep, to tell a stalled peer from a slow one.</summary>
    public long SentAtSweep { get; set; }

    public IChatFormat Format => ChatFormats.For(_mode);

    /// <summary>Why the server ended the session, once it has.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Ends the session (a kick or a ban): its read loop wakes, now or as soon as it starts.</summary>
    public void End(string reason)
    {
        CancellationTokenSource? readLoop;
        lock (_gate)
        {
            EndReason ??= reason;
            readLoop = _readLoop;
        }

        readLoop?.Cancel();
    }

    /// <summary>
    /// Hands the session the cancellation source its read loop waits on, which <see cref="End"/> cancels; cancelled at
    /// once when the session was ended before its loop began. <see cref="DetachReadLoop"/> before disposing it.
    /// </summary>
    public void AttachReadLoop(CancellationTokenSource readLoop)
    {
        lock (_gate)
        {
            _readLoop = readLoop;
            if (EndReason is null)
            {
                return;
            }
        }

        readLoop.Cancel();
    }

    public void DetachReadLoop()
    {
        lock (_gate)
        {
            _readLoop = null;
        }
    }

    public override string ToString() => Connection is { } c ? $"{c} ({_nick})" : $"#{Id} web {Peer} ({_nick})";

    /// <summary>Hands a committed message to this session without ever waiting.</summary>
    public void Deliver(MessageLines lines)
    {
        lock (_gate)
        {
            if (_replayQueue is not null)
            {
                if (_replayQueue.Count >= MaxQueuedDuringReplay)
                {
                    Abort("too far behind while replaying history");
                    return;
                }

                _replayQueue.Enqueue(lines);
                return;
            }

            TrySendLine(lines.For(_mode, _nick));
        }
    }

    /// <summary>Queues a line; a peer that is not reading is disconnected rather than allowed to hold anyone up.</summary>
    public bool TrySendLine(byte[] line) => Connection is { } connection ? _registry!.TrySendOrDrop(connection, line) : Web!.TrySend(line);

    /// <summary>
    /// Sends a reply, waiting while this peer's buffer is full (only this session's handler waits). A peer that
    /// does not make room within <see cref="ReplyTimeout"/> is not reading, and is dropped.
    /// </summary>
    public async ValueTask ReplyAsync(byte[] line, CancellationToken cancellationToken)
    {
        if (Connection is null)
        {
            await Web!.SendAsync(line, ReplyTimeout, cancellationToken);
            return;
        }

        try
        {
            var send = Connection.SendAsync(line, cancellationToken);
            if (send.IsCompletedSuccessfully)
            {
                return;
            }

            var pending = send.AsTask();
            try
            {
                await pending.WaitAsync(ReplyTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Aborting completes the buffer, which ends the pending send; observe its exception.
                _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                Connection.Abort($"not reading: a reply waited {ReplyTimeout.TotalSeconds:0.#} s for buffer space");
            }
        }
        catch (ConnectionClosedException)
        {
            // The connection went away; the read loop notices and ends the session.
        }
    }

    /// <summary>How long a reply may wait for the peer to read; see <see cref="ChatServerOptions.ReplyTimeout"/>.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>From here until <see cref="EndReplay"/>, live messages are held back so replayed history comes first.</summary>
    public void BeginReplay(string room)
    {
        lock (_gate)
        {
            _replayRoom = room;
            _replayQueue ??= new Queue<MessageLines>();
        }
    }

    /// <summary>
    /// Sends the live messages held back during the replay, except those the replay already showed (same room,
    /// id not above <paramref name="lastReplayedId"/>), and returns to live delivery.
    /// </summary>
    public void EndReplay(long lastReplayedId)
    {
        lock (_gate)
        {
            var queue = _replayQueue;
            var room = _replayRoom;
            _replayQueue = null;
            _replayRoom = null;
            if (queue is null)
            {
                return;
            }

            foreach (var lines in queue)
            {
                var message = lines.Message;
                var replayed = (message.Room == room || message.Kind == ChatMessageKind.Announce) && message.Id <= lastReplayedId;
                if (!replayed)
                {
                    TrySendLine(lines.For(_mode, _nick));
                }
            }
        }
    }
}
