using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Switchboard.Chat.Storage.Postgres;

/// <summary>
/// The store shared by several nodes on one PostgreSQL database. Ids come from one sequence, drawn under a
/// cluster-wide commit lock, so they are global and appear in id order; each node commits its own group of
/// messages in one multi-row insert, and every node delivers every message through its <see cref="PostgresFeed"/>
/// (its own ones included), so order in a room is id order everywhere.
/// </summary>
internal sealed class PostgresChatStore : IChatStore, IStoreCommitter
{
    private const string Columns = "id, kind, room, sender, target, text, time";

    /// <summary>Connections per node unless the connection string says otherwise (plus the LISTEN one).</summary>
    internal const int DefaultMaxPoolSize = 20;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _node;
    private readonly GroupCommitWriter _writer;
    private readonly PostgresFeed _feed;
    private readonly PostgresPresence _presence;
    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _committed = new();
    private NpgsqlConnection? _writerConnection;
    private int _disposed;

    private PostgresChatStore(NpgsqlDataSource dataSource, string description, string node, long lastId, IChatStoreSink sink, ChatServerOptions options, ILogger logger, ChatMetrics? metrics)
    {
        _dataSource = dataSource;
        Description = description;
        _node = node;
        _feed = new PostgresFeed(dataSource, sink, node, lastId, async ct => sink.Resync(await ReadBansAsync(ct), await ReadTopicsAsync(ct)), logger);
        _presence = new PostgresPresence(dataSource, node, options.PresenceTimeout, sink, logger);
        _writer = new GroupCommitWriter(this, options.StoreQueueCapacity, DeliverAsync, logger, metrics);
    }

    public string Description { get; }

    public long LastId => _feed.Delivered;

    public long Batches => _writer.Batches;

    public long Operations => _writer.Operations;

    public IChatPresence Presence => _presence;

    /// <summary>Connects, migrates the schema, registers this node, and starts listening.</summary>
    /// <exception cref="IOException">The database cannot be reached or used.</exception>
    public static async Task<PostgresChatStore> OpenAsync(string connectionString, string node, IChatStoreSink sink, ChatServerOptions options, ILogger logger, CancellationToken cancellationToken, ChatMetrics? metrics = null)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"the PostgreSQL connection string is not valid: {ex.Message}", ex);
        }

        // pg_stat_activity then tells an operator which node holds which connection.
        builder.ApplicationName ??= $"switchboard {node}";

        // PostgreSQL allows 100 connections by default, and Npgsql's pool would take up to 100 per node: a burst of
        // logins on three nodes ran the server out ("too many clients") and new users were refused. A smaller pool
        // makes a burst queue for a connection instead; a connection string that sets a pool size keeps it.
        if (!HasPoolSize(connectionString))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        // Only what says where: the password, if any, never reaches a log line.
        var description = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        var dataSource = NpgsqlDataSource.Create(builder);
        PostgresChatStore? store = null;
        try
        {
            await PostgresSchema.MigrateAsync(dataSource, cancellationToken);
            await using (var max = dataSource.CreateCommand("SELECT COALESCE(MAX(id), 0) FROM messages"))
            {
                var lastId = (long)(await max.ExecuteScalarAsync(cancellationToken))!;
                store = new PostgresChatStore(dataSource, description, node, lastId, sink, options, logger, metrics);
            }

            await store._feed.StartAsync(cancellationToken);
            await store._presence.StartAsync(cancellationToken);
            return store;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or StoreUnavailableException)
        {
            await DisposeQuietly(store, dataSource);
            throw new IOException($"cannot use the chat database {description}: {ex.Message}", ex);
        }
        catch
        {
            await DisposeQuietly(store, dataSource);
            throw;
        }
    }

    public ValueTask EnqueueAsync(StoreOperation operation, CancellationToken cancellationToken) => _writer.EnqueueAsync(operation, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> ReadRecentAsync(string room, int count, CancellationToken cancellationToken)
        => Guard(() => ReadMessagesAsync(_dataSource, $"SELECT {Columns} FROM (SELECT {Columns} FROM messages WHERE room = $1 OR kind = $2 ORDER BY id DESC LIMIT $3) recent ORDER BY id", [room, (int)ChatMessageKind.Announce, count], cancellationToken));

    public Task<HistoryWindow> FindRecentAsync(string room, int count, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var command = _dataSource.CreateCommand("SELECT COUNT(*), MIN(id), MAX(id) FROM (SELECT id FROM messages WHERE room = $1 OR kind = $2 ORDER BY id DESC LIMIT $3) recent");
        command.Parameters.Add(new NpgsqlParameter { Value = room });
        command.Parameters.Add(new NpgsqlParameter { Value = (int)ChatMessageKind.Announce });
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var found = (int)reader.GetInt64(0);
        return found == 0 ? default : new HistoryWindow(reader.GetInt64(1), reader.GetInt64(2), found);
    });

    public Task<IReadOnlyList<ChatMessage>> ReadAfterAsync(string room, long afterId, int limit, CancellationToken cancellationToken)
        => Guard(() => ReadMessagesAsync(_dataSource, $"SELECT {Columns} FROM messages WHERE id > $1 AND (room = $2 OR kind = $3) ORDER BY id LIMIT $4", [afterId, room, (int)ChatMessageKind.Announce, limit], cancellationToken));

    public Task<IReadOnlyList<ChatBan>> ReadBansAsync(CancellationToken cancellationToken) => Guard<IReadOnlyList<ChatBan>>(async () =>
    {
        await using var command = _dataSource.CreateCommand("SELECT kind, value, reason, by, time FROM bans ORDER BY time");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var bans = new List<ChatBan>();
        while (await reader.ReadAsync(cancellationToken))
        {
            bans.Add(new ChatBan(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return bans;
    });

    public Task<IReadOnlyDictionary<string, (string? Topic, string? By)>> ReadTopicsAsync(CancellationToken cancellationToken) => Guard<IReadOnlyDictionary<string, (string? Topic, string? By)>>(async () =>
    {
        await using var command = _dataSource.CreateCommand("SELECT room, topic, by FROM topics");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var topics = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            topics[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return topics;
    });

    public Task PublishAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var command = _dataSource.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = PostgresStoreBatch.ControlChannel });
        command.Parameters.Add(new NpgsqlParameter { Value = clusterEvent.ToJson() });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    });

    /// <summary>Deletes messages older than <paramref name="cutoff"/>; returns how many.</summary>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Guard(async () =>
    {
        // The newest message stays, as in SQLite, so the two stores keep the same rule.
        await using var command = _dataSource.CreateCommand("DELETE FROM messages WHERE time < $1 AND id < (SELECT MAX(id) FROM messages)");
        command.Parameters.Add(new NpgsqlParameter { Value = cutoff.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    });

    void IStoreCommitter.Commit(IReadOnlyList<StoreOperation> batch)
    {
        var context = new PostgresStoreBatch(_node);
        foreach (var operation in batch)
        {
            operation.Apply(context);
        }

        try
        {
            _writerConnection ??= _dataSource.OpenConnection();
            var previous = context.Execute(_writerConnection);
            if (context.MessageCount > 0)
            {
                // Read by DeliverAsync, which takes committed batches in the same order.
                _committed.Enqueue(previous);
            }
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or IOException or InvalidOperationException)
        {
            // The connection may be broken; the next batch opens a fresh one rather than failing on this one forever.
            _writerConnection?.Dispose();
            _writerConnection = null;
            throw new StoreUnavailableException($"the chat database is unavailable: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Commits what is queued; its delivery waits for the feed, which is still running.
        var writer = _writer.DisposeAsync().AsTask();
        if (await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(10))) != writer)
        {
            // The database is gone and delivery cannot finish: stop the feed, which fails what still waits.
            await _feed.DisposeAsync();
            await writer;
        }

        await _feed.DisposeAsync();
        await _presence.DisposeAsync();
        _writerConnection?.Dispose();
        await _dataSource.DisposeAsync();
    }

    internal static async Task<IReadOnlyList<ChatMessage>> ReadMessagesAsync(NpgsqlDataSource dataSource, string sql, object[] values, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<ChatMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(ChatMessageRows.Read(reader, reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return messages;
    }

    // The writer commits, then this node delivers: the batch's operations complete once this node delivered them.
    private async ValueTask DeliverAsync(IReadOnlyList<StoreOperation> batch)
    {
        long last = 0;
        foreach (var operation in batch)
        {
            if (operation is AppendMessageOperation { Message: { } message })
            {
                last = Math.Max(last, message.Id);
            }
        }

        try
        {
            // A batch that follows straight on what this node has delivered goes out from memory; otherwise (another
            // node committed in between) the feed reads it back in id order with the rest.
            if (last > 0 && !(_committed.TryDequeue(out var previous) && _feed.TryDeliverOwn(previous, batch)))
            {
                await _feed.WaitDeliveredAsync(last);
            }
        }
        catch (StoreUnavailableException ex)
        {
            foreach (var operation in batch)
            {
                operation.Fail(ex);
            }

            return;
        }

        foreach (var operation in batch)
        {
            operation.Complete();
        }
    }

    private static bool HasPoolSize(string connectionString)
        => connectionString.Contains("pool size", StringComparison.OrdinalIgnoreCase) || connectionString.Contains("maxpoolsize", StringComparison.OrdinalIgnoreCase);

    // The one place reads turn the driver's errors into the store's.
    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is DbException or TimeoutException)
        {
            throw new StoreUnavailableException($"the chat database is unavailable: {ex.Message}", ex);
        }
    }

    private static async Task DisposeQuietly(PostgresChatStore? store, NpgsqlDataSource dataSource)
    {
        if (store is not null)
        {
            try
            {
                await store.DisposeAsync();
            }
            catch (Exception)
            {
                // Opening failed already; that error is the one to report.
            }
        }
        else
        {
            await dataSource.DisposeAsync();
        }
    }
}
