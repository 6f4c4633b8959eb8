using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Switchboard.Chat.Storage.Postgres;

/// <summary>
/// Delivers every committed message of the cluster to this node, in id order, exactly once. A LISTEN connection
/// wakes it (one NOTIFY per committed batch, from any node, this one included); it then reads the rows after the
/// last id it delivered. Because it always reads from its last id, a node that lost the database connection (and
/// with it the notifications) catches up as soon as it is back, without anything else to remember.
/// </summary>
internal sealed class PostgresFeed : IAsyncDisposable
{
    private const int PageSize = 1000;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IChatStoreSink _sink;
    private readonly Func<CancellationToken, Task> _resync;
    private readonly string _node;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _waitersGate = new();

    // One delivery at a time, by the feed or by the writer (a node's own batch), so ids go out in order, once.
    private readonly Lock _deliveryGate = new();
    private readonly List<(long Id, TaskCompletionSource Done)> _waiters = [];
    private Task _listen = Task.CompletedTask;
    private Task _deliver = Task.CompletedTask;
    private long _delivered;

    public PostgresFeed(NpgsqlDataSource dataSource, IChatStoreSink sink, string node, long lastId, Func<CancellationToken, Task> resync, ILogger logger)
    {
        _resync = resync;
        _dataSource = dataSource;
        _sink = sink;
        _node = node;
        _logger = logger;
        _delivered = lastId;
    }

    /// <summary>The highest id delivered to this node.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Starts listening; completes once the LISTEN is in place, so nothing committed after is missed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _listen = Task.Run(() => ListenAsync(listening));
        _deliver = Task.Run(DeliverAsync);
        await listening.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes once every message up to <paramref name="id"/> has been delivered on this node.</summary>
    public Task WaitDeliveredAsync(long id)
    {
        lock (_waitersGate)
        {
            if (Delivered >= id)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((id, done));
            Wake();
            return done.Task;
        }
    }

    /// <summary>
    /// Delivers a batch this node just committed straight from memory, when nothing lies between what was delivered
    /// and it (<paramref name="previous"/>: the highest id committed before it, read under the commit lock). False
    /// when the feed must read it back: another node committed in between, or the feed is behind or already past.
    /// </summary>
    public bool TryDeliverOwn(long previous, IReadOnlyList<StoreOperation> batch)
    {
        lock (_deliveryGate)
        {
            if (Delivered != previous)
            {
                return false;
            }

            // One wake-up per recipient per batch, as in CatchUpAsync; no await inside the scope.
            using (Switchboard.Net.SwitchboardConnection.DeferSends())
            {
                foreach (var operation in batch)
                {
                    if (operation is AppendMessageOperation { Message: { } message })
                    {
                        _sink.Deliver(message);
                        Interlocked.Exchange(ref _delivered, message.Id);
                    }
                }
            }
        }

        ReleaseWaiters();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_listen, _deliver);
        lock (_waitersGate)
        {
            foreach (var (_, done) in _waiters)
            {
                done.TrySetException(new StoreUnavailableException("the chat store closed before the message was delivered"));
            }

            _waiters.Clear();
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake: the pass it is about to make reads everything committed so far.
        }
    }

    private async Task ListenAsync(TaskCompletionSource listening)
    {
        var lost = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(_stop.Token);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresStoreBatch.MessagesChannel}; LISTEN {PostgresStoreBatch.ControlChannel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(_stop.Token);
                }

                listening.TrySetResult();
                // Whatever committed while nobody listened is read now.
                Wake();
                if (lost)
                {
                    // Bans, unbans and topics announced while nobody listened are read from their tables instead.
                    await _resync(_stop.Token);
                    lost = false;
                    StoreLog.ListenerResumed(_logger, Delivered);
                }

                while (true)
                {
                    await connection.WaitAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbException or IOException or TimeoutException)
            {
                if (!listening.Task.IsCompleted)
                {
                    listening.TrySetException(new StoreUnavailableException($"cannot listen for notifications: {ex.Message}", ex));
                    return;
                }

                if (!lost)
                {
                    lost = true;
                    StoreLog.ListenerLost(_logger, ex.Message);
                }

                try
                {
                    await Task.Delay(RetryDelay, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PostgresStoreBatch.MessagesChannel)
        {
            // The payload is the batch's last id: this node's own batches, delivered from memory, need no read.
            if (!long.TryParse(e.Payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var last) || last > Delivered)
            {
                Wake();
            }
        }
        else if (ClusterEvent.FromJson(e.Payload) is { } clusterEvent && clusterEvent.Node != _node)
        {
            // This node applied its own change before committing it; only the others' are news.
            _sink.Apply(clusterEvent);
        }
    }

    private async Task DeliverAsync()
    {
        while (true)
        {
            try
            {
                await _wake.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await CatchUpAsync();
            }
            catch (Exception ex) when (ex is DbException or IOException or TimeoutException)
            {
                // The listener reports the outage once; here, try again shortly (it also wakes us on reconnect).
                try
                {
                    await Task.Delay(RetryDelay, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                Wake();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task CatchUpAsync()
    {
        while (true)
        {
            var page = await PostgresChatStore.ReadMessagesAsync(
                _dataSource,
                "SELECT id, kind, room, sender, target, text, time FROM messages WHERE id > $1 ORDER BY id LIMIT $2",
                [Delivered, PageSize],
                _stop.Token);
            // One wake-up per recipient per page, not per message (see SqliteChatStore); no await inside the scope.
            lock (_deliveryGate)
            {
                using (Switchboard.Net.SwitchboardConnection.DeferSends())
                {
                    foreach (var message in page)
                    {
                        // This node's own batch may have gone out from memory while the page was read.
                        if (message.Id > Delivered)
                        {
                            _sink.Deliver(message);
                            Interlocked.Exchange(ref _delivered, message.Id);
                        }
                    }
                }
            }

            ReleaseWaiters();
            if (page.Count < PageSize)
            {
                return;
            }
        }
    }

    private void ReleaseWaiters()
    {
        lock (_waitersGate)
        {
            var delivered = Delivered;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Id <= delivered)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
