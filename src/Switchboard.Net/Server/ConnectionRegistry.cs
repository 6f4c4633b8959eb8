using System.Collections.Concurrent;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

/// <summary>The live connections of a listener (or of several): list, find, send to one, broadcast to all.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<long, SwitchboardConnection> _connections = new();

    /// <summary>Raised when a connection is dropped by a broadcast because it was not reading.</summary>
    public event Action<SwitchboardConnection, string>? SlowConsumerDropped;

    /// <summary>How many connections are live.</summary>
    public int Count => _connections.Count;

    /// <summary>A snapshot of the live connections, oldest first.</summary>
    public IReadOnlyList<SwitchboardConnection> Snapshot() => [.. _connections.Values.OrderBy(c => c.Id)];

    /// <summary>Finds a live connection by id.</summary>
    public SwitchboardConnection? Find(long id) => _connections.GetValueOrDefault(id);

    /// <summary>Sends to one connection without waiting; false when it is unknown, closed or dropped as not reading.</summary>
    public bool TrySendTo(long id, ReadOnlySpan<byte> data)
        => _connections.TryGetValue(id, out var connection) && TrySendOrDrop(connection, data);

    /// <summary>
    /// Sends the same bytes to every live connection except <paramref name="except"/>. Never waits: a connection
    /// that is not reading (see <see cref="TrySendOrDrop"/>) is aborted so it cannot hold the others back.
    /// </summary>
    /// <returns>How many connections the bytes were queued to.</returns>
    public int Broadcast(ReadOnlySpan<byte> data, SwitchboardConnection? except = null)
    {
        var sent = 0;
        // Enumerating the dictionary itself takes no locks and copies nothing; .Values would lock every stripe
        // and copy the whole list on every broadcast line. A connection added or removed meanwhile may or may not
        // be seen, which is the same as it joining or leaving a moment earlier or later.
        foreach (var (_, connection) in _connections)
        {
            if (!ReferenceEquals(connection, except) && TrySendOrDrop(connection, data))
            {
                sent++;
            }
        }

        return sent;
    }

    /// <summary>Broadcasts one framed message; see <see cref="Broadcast(ReadOnlySpan{byte}, SwitchboardConnection?)"/>.</summary>
    public int Broadcast<T>(IMessageWriter<T> writer, T message, SwitchboardConnection? except = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        writer.WriteMessage(message, buffer);
        return Broadcast(buffer.WrittenSpan, except);
    }

    internal bool TryAdd(SwitchboardConnection connection, int max)
    {
        // Counted optimistically; the rare race past the limit by a few is undone right away.
        if (_connections.Count >= max)
        {
            return false;
        }

        _connections[connection.Id] = connection;
        if (_connections.Count > max)
        {
            _connections.TryRemove(connection.Id, out _);
            return false;
        }

        return true;
    }

    internal void Add(SwitchboardConnection connection) => _connections[connection.Id] = connection;

    internal void Remove(SwitchboardConnection connection) => _connections.TryRemove(connection.Id, out _);

    /// <summary>
    /// Queues to a connection without waiting; one that is not reading is aborted with a reason. "Not reading" is
    /// the slow-consumer policy of its <see cref="ConnectionOptions"/>: past the soft limit for the soft-limit time,
    /// or at the hard limit. A reader that lags for a moment is kept.
    /// </summary>
    public bool TrySendOrDrop(SwitchboardConnection connection, ReadOnlySpan<byte> data)
    {
        string? reason;
        try
        {
            if (connection.TrySendOrExplain(data, out reason))
            {
                return true;
            }
        }
        catch (ConnectionClosedException)
        {
            return false;
        }

        Drop(connection, reason!);
        return false;
    }

    /// <summary>
    /// Backpressure for a relay: waits while any live connection but <paramref name="except"/> is past its soft
    /// limit, until it reads its way below it, or drops it once it has been past the limit for the soft-limit time.
    /// A handler that calls this before reading its sender's next message stops reading from a sender that outpaces
    /// its readers, instead of queueing without end or dropping a reader that is merely slower than the sender.
    /// </summary>
    public async ValueTask WaitForSlowConsumersAsync(SwitchboardConnection? except, CancellationToken cancellationToken)
    {
        // Checking a flag per connection costs about what the broadcast's own pass did; waiting is the rare case.
        foreach (var (_, connection) in _connections)
        {
            if (ReferenceEquals(connection, except) || !connection.IsOverSoftLimit)
            {
                continue;
            }

            if (await connection.WaitUntilKeepingUpAsync(cancellationToken) is { } reason)
            {
                Drop(connection, reason);
            }
        }
    }

    private void Drop(SwitchboardConnection connection, string reason)
    {
        connection.Abort(reason);
        NetMetrics.Dropped(connection, "send_buffer_full");
        SlowConsumerDropped?.Invoke(connection, reason);
    }
}
