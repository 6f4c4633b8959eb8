using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Storage;

/// <summary>
/// The single writer of the store. Operations queue in a bounded channel; the writer takes everything queued
/// (up to <see cref="MaxBatchSize"/>), applies it in ONE transaction, commits (one fsync), and only then runs
/// each operation's delivery, in id order. While a commit is on disk, the next batch gathers by itself, so the
/// cost of a commit is shared by every message that arrived during it. Delivery runs on its own task, one batch
/// behind: the next commit starts while the previous batch is still being fanned out, instead of every line
/// waiting for both its own commit and the delivery of the batch before it.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatchSize = 1024;

    private readonly ChatStore _store;
    private readonly ILogger _logger;
    // A few committed batches may wait for delivery; beyond that the commit loop waits, so a slow fan-out slows
    // the writers instead of queuing without bound.
    private const int DeliveryBacklog = 4;

    private readonly Channel<StoreOperation> _queue;
    private readonly Channel<List<StoreOperation>> _committed;
    private readonly Task _loop;
    private readonly Task _delivery;
    private long _lastId;
    private long _batches;
    private long _messages;

    /// <param name="store">The store whose writer connection this owns.</param>
    /// <param name="capacity">How many operations may wait; beyond it producers wait, which slows the senders, not memory.</param>
    /// <param name="logger">Where failed commits are reported.</param>
    public GroupCommitWriter(ChatStore store, int capacity, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _lastId = store.LastId;
        _queue = Channel.CreateBounded<StoreOperation>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _committed = Channel.CreateBounded<List<StoreOperation>>(new BoundedChannelOptions(DeliveryBacklog) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(RunAsync);
        _delivery = Task.Run(DeliverAsync);
    }

    /// <summary>The highest id assigned (committed, or in the batch being committed).</summary>
    public long LastId => Interlocked.Read(ref _lastId);

    /// <summary>Transactions committed so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Operations committed so far.</summary>
    public long Operations => Interlocked.Read(ref _messages);

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

    internal long NextId() => ++_lastId;

    /// <summary>Stops taking operations, commits what is queued, and waits for the last commit.</summary>
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
            // The batch's lines are queued to every recipient first and sent when the scope ends: one system
            // call per recipient per batch instead of one per message (the fan-out cost at window 2).
            using var sends = Switchboard.Net.SwitchboardConnection.DeferSends();
            foreach (var operation in batch)
            {
                try
                {
                    operation.Committed();
                }
                catch (Exception ex)
                {
                    StoreLog.DeliveryFailed(_logger, ex);
                }
            }
        }
    }

    private bool Commit(List<StoreOperation> batch)
    {
        var firstId = _lastId;
        var connection = _store.WriterConnection;
        using var transaction = connection.BeginTransaction();
        var context = new StoreBatch(connection, transaction, this);
        try
        {
            foreach (var operation in batch)
            {
                operation.Apply(context);
            }

            transaction.Commit();
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _messages, batch.Count);
            return true;
        }
        catch (Exception ex)
        {
            // Nothing of this batch was delivered, so giving its ids back keeps them gap-free and unseen.
            Interlocked.Exchange(ref _lastId, firstId);
            StoreLog.CommitFailed(_logger, batch.Count, ex);
            try
            {
                transaction.Rollback();
            }
            catch (Exception)
            {
                // The transaction may already be gone with the error; the failure is logged above.
            }

            foreach (var operation in batch)
            {
                operation.Failed(ex);
            }

            return false;
        }
        finally
        {
            context.DisposeCommands();
        }
    }
}

internal static partial class StoreLog
{
    [LoggerMessage(100, LogLevel.Error, "Commit of {Count} operations failed; none was delivered")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(101, LogLevel.Error, "Delivery after commit failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception);
}
