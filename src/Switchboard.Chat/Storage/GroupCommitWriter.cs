using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Storage;

/// <summary>One database's way of committing a group of operations in a single transaction.</summary>
internal interface IStoreCommitter
{
    /// <summary>
    /// Applies every operation in one transaction, assigning message ids, and commits. Throws when nothing was
    /// committed (the whole batch is rolled back).
    /// </summary>
    void Commit(IReadOnlyList<StoreOperation> batch);
}

/// <summary>
/// The single writer of a store. Operations queue in a bounded channel; the writer takes everything queued
/// (up to <see cref="MaxBatchSize"/>), commits it in ONE transaction (one fsync), and only then hands the batch
/// to the store's delivery, in commit order. While a commit is on disk, the next batch gathers by itself, so the
/// cost of a commit is shared by every message that arrived during it. Delivery runs on its own task, one batch
/// behind: the next commit starts while the previous batch is still being fanned out.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatchSize = 1024;

    // A few committed batches may wait for delivery; beyond that the commit loop waits, so a slow fan-out slows
    // the writers instead of queuing without bound.
    private const int DeliveryBacklog = 4;

    private readonly IStoreCommitter _committer;
    private readonly Func<IReadOnlyList<StoreOperation>, ValueTask> _deliver;
    private readonly ILogger _logger;
    private readonly Channel<StoreOperation> _queue;
    private readonly Channel<List<StoreOperation>> _committed;
    private readonly Task _loop;
    private readonly Task _delivery;
    private readonly ChatMetrics? _metrics;
    private long _batches;
    private long _operations;

    /// <param name="committer">The database's commit.</param>
    /// <param name="capacity">How many operations may wait; beyond it producers wait, which slows the senders, not memory.</param>
    /// <param name="deliver">Runs after each commit, in commit order: delivers the batch and completes its operations.</param>
    /// <param name="logger">Where failed commits are reported.</param>
    /// <param name="metrics">The chat server's instruments, if any: commit latency, messages, queue depth.</param>
    public GroupCommitWriter(IStoreCommitter committer, int capacity, Func<IReadOnlyList<StoreOperation>, ValueTask> deliver, ILogger logger, ChatMetrics? metrics = null)
    {
        _metrics = metrics;
        _committer = committer;
        _deliver = deliver;
        _logger = logger;
        _queue = Channel.CreateBounded<StoreOperation>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        // Synchronous continuations: when the delivery task is idle it resumes on the commit loop's thread, inside
        // the write, so a committed batch reaches its recipients without a wake-up on the thread pool (at window 2
        // the fan-out rate is bounded by that latency); while delivery is busy, batches wait here as before.
        _committed = Channel.CreateBounded<List<StoreOperation>>(new BoundedChannelOptions(DeliveryBacklog) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true });
        _loop = Task.Run(RunAsync);
        _delivery = Task.Run(DeliverAsync);
        metrics?.Attach(this);
    }

    /// <summary>Transactions committed so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Operations committed so far.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>Operations waiting for the next commit.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Set while commits fail (the database is unreachable); cleared by the next commit that works.</summary>
    public bool Failing { get; private set; }

    /// <summary>Queues an operation; waits while the queue is full.</summary>
    /// <exception cref="InvalidOperationException">The writer has been completed (the server is stopping).</exception>
    public async ValueTask EnqueueAsync(StoreOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(operation, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new InvalidOperationException("the chat store is closed", ex);
        }
    }

    /// <summary>Stops taking operations, commits what is queued, and waits for the last commit and its delivery.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _delivery;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                var batch = new List<StoreOperation>(Math.Min(MaxBatchSize, reader.Count + 1));
                while (batch.Count < MaxBatchSize && reader.TryRead(out var operation))
                {
                    batch.Add(operation);
                }

                if (Commit(batch))
                {
                    // Delivered in commit order by the single delivery task.
                    await _committed.Writer.WriteAsync(batch);
                }
            }
        }
        finally
        {
            _committed.Writer.TryComplete();
        }
    }

    private async Task DeliverAsync()
    {
        await foreach (var batch in _committed.Reader.ReadAllAsync())
        {
            try
            {
                await _deliver(batch);
            }
            catch (Exception ex)
            {
                StoreLog.DeliveryFailed(_logger, ex);
            }
        }
    }

    private bool Commit(List<StoreOperation> batch)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _committer.Commit(batch);
            _metrics?.Committed(started, batch.Count(static o => o is AppendMessageOperation));
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _operations, batch.Count);
            if (Failing)
            {
                Failing = false;
                StoreLog.CommitsResumed(_logger);
            }

            return true;
        }
        catch (Exception ex)
        {
            // While the database is away every batch fails the same way: say so once, not per message.
            if (!Failing)
            {
                Failing = true;
                StoreLog.CommitFailed(_logger, batch.Count, ex);
            }

            foreach (var operation in batch)
            {
                operation.Fail(ex);
            }

            return false;
        }
    }
}

internal static partial class StoreLog
{
    [LoggerMessage(100, LogLevel.Error, "Commit of {Count} operations failed; none was delivered (further failures are not logged until a commit works again)")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(101, LogLevel.Error, "Delivery after commit failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(102, LogLevel.Information, "Commits work again")]
    public static partial void CommitsResumed(ILogger logger);

    [LoggerMessage(103, LogLevel.Warning, "Lost the database connection for notifications; catching up after reconnecting: {Reason}")]
    public static partial void ListenerLost(ILogger logger, string reason);

    [LoggerMessage(104, LogLevel.Information, "Notifications from the database resumed; caught up to message id {LastId}")]
    public static partial void ListenerResumed(ILogger logger, long lastId);

    [LoggerMessage(105, LogLevel.Warning, "Presence heartbeat failed: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(106, LogLevel.Information, "Node {Node} registered in the cluster; users of nodes silent for {Timeout} s are dropped")]
    public static partial void NodeRegistered(ILogger logger, string node, double timeout);
}
