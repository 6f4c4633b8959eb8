using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Storage.Sqlite;

/// <summary>
/// The SQLite database in WAL mode, for one node: one writer connection owned by the <see cref="GroupCommitWriter"/>,
/// and short pooled read connections, which WAL lets run alongside the writer.
/// </summary>
internal sealed class SqliteChatStore : IChatStore, IStoreCommitter
{
    public const string FileName = "chat.db";

    private const int MaxConcurrentReads = 4;

    private const string Columns = "id, kind, room, sender, target, text, time";

    private readonly string _readConnectionString;
    private readonly SqliteConnection _writerConnection;
    private readonly IChatStoreSink _sink;
    private readonly GroupCommitWriter _writer;
    private readonly DataDirectoryLock _lock;
    private readonly ILogger _logger;
    private readonly ITimer _checkpointTimer;

    // Reads at once: each holds a pooled connection, and each connection three descriptors (chat.db, its log and
    // its index) for as long as the pool keeps it. Unbounded, a crowd joining at once grew the pool by dozens of
    // connections and took the descriptors the process needs elsewhere; four keep the store's share fixed.
    private readonly SemaphoreSlim _readers = new(MaxConcurrentReads, MaxConcurrentReads);
    private long _lastId;
    private long _checkpointedAtBatch;

    private SqliteChatStore(string path, DataDirectoryLock directoryLock, SqliteConnection writer, long lastId, IChatStoreSink sink, int capacity, ILogger logger, TimeSpan checkpointInterval, ChatMetrics? metrics)
    {
        Path = path;
        _lock = directoryLock;
        _logger = logger;
        _writerConnection = writer;
        _lastId = lastId;
        _sink = sink;
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
        _writer = new GroupCommitWriter(this, capacity, DeliverAsync, logger, metrics);
        _checkpointTimer = TimeProvider.System.CreateTimer(_ => PeriodicCheckpoint(), null, checkpointInterval, checkpointInterval);
    }

    /// <summary>
    /// How often what the log holds is copied into chat.db while the server runs: every minute (when anything was
    /// committed). SQLite itself does so only every 1,000 pages, which a quiet server may take days to write, and
    /// until then a copy of chat.db alone is an old backup.
    /// </summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromMinutes(1);

    public string Path { get; }

    public string Description => Path;

    /// <summary>The highest id assigned (committed, or in the batch being committed).</summary>
    public long LastId => Interlocked.Read(ref _lastId);

    public long Batches => _writer.Batches;

    public long Operations => _writer.Operations;

    public IChatPresence Presence { get; } = new LocalPresence();

    /// <summary>Opens (creating or migrating) the chat.db in <paramref name="directory"/> and starts its writer.</summary>
    /// <exception cref="IOException">The directory or the database cannot be used (damaged, newer, went backwards), or another store has it open.</exception>
    public static SqliteChatStore Open(string directory, StoreDurability durability, IChatStoreSink sink, int capacity, ILogger logger, TimeSpan? checkpointInterval = null, ChatMetrics? metrics = null)
    {
        Directory.CreateDirectory(directory);
        var fullDirectory = System.IO.Path.GetFullPath(directory);
        // Before the database is touched: a second server must not even migrate or read the last id.
        var directoryLock = DataDirectoryLock.Acquire(fullDirectory);
        try
        {
            return Open(fullDirectory, directoryLock, durability, sink, capacity, logger, checkpointInterval ?? DefaultCheckpointInterval, metrics);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    private static SqliteChatStore Open(string fullDirectory, DataDirectoryLock directoryLock, StoreDurability durability, IChatStoreSink sink, int capacity, ILogger logger, TimeSpan checkpointInterval, ChatMetrics? metrics)
    {
        var path = System.IO.Path.Combine(fullDirectory, FileName);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            // WAL: readers never block the writer and a commit is one append to the log. synchronous=FULL fsyncs
            // the log at each commit; NORMAL leaves that to the OS, which still survives a killed process.
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, durability == StoreDurability.Full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Execute(connection, "PRAGMA busy_timeout=5000;");
            // SQLite's own default, said out loud: the log is copied into chat.db every 1,000 pages (4 MiB) as
            // well as every checkpoint interval.
            Execute(connection, "PRAGMA wal_autocheckpoint=1000;");
            QuickCheck(connection, path);
            SqliteSchema.Migrate(connection);
            using var max = connection.CreateCommand();
            max.CommandText = "SELECT COALESCE(MAX(id), 0) FROM messages;";
            var lastId = Convert.ToInt64(max.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            using var issued = connection.CreateCommand();
            issued.CommandText = "SELECT value FROM meta WHERE key = 'last_issued_id';";
            var lastIssued = Convert.ToInt64(issued.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (lastId < lastIssued)
            {
                // Numbering from here would hand out ids clients have already seen, and a client resuming after
                // one of them would silently miss the new messages: a person must look first.
                throw new IOException($"the chat database {path} went backwards: its newest message has id {lastId} but ids up to {lastIssued} were issued (a lost or truncated {FileName}-wal file, or messages deleted by hand); restore a backup of the data directory rather than start with lost history");
            }

            return new SqliteChatStore(path, directoryLock, connection, lastId, sink, capacity, logger, checkpointInterval, metrics);
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            connection.Dispose();
            throw Damaged(path, ex.Message, ex);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new IOException($"cannot use the chat database {path}: {ex.Message}", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// PRAGMA quick_check at start: a damaged file is refused, loudly, before anything is read from or added to it
    /// (a server that started would answer from half its history and number new messages after a torn page).
    /// It reads every page once: about a second per gigabyte.
    /// </summary>
    private static void QuickCheck(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(3);";
        var problems = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var row = reader.GetString(0);
                if (!string.Equals(row, "ok", StringComparison.Ordinal))
                {
                    problems.Add(row.ReplaceLineEndings(" "));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw Damaged(path, "SQLite quick_check: " + string.Join("; ", problems), null);
        }
    }

    private static IOException Damaged(string path, string detail, Exception? inner) => new(
        $"the chat database {path} is damaged ({detail}); the server will not start on it: move the data directory aside and restore a backup (docs/OPERATIONS.md, \"Backup and recovery\")", inner);

    // SQLITE_CORRUPT and SQLITE_NOTADB: the file is not what SQLite wrote.
    private static bool IsDamage(SqliteException ex) => ex.SqliteErrorCode is 11 or 26;

    /// <summary>
    /// Runs a read, translating the driver's failure (a damaged page, an I/O error) once: it is logged for the
    /// operator, and the caller gets <see cref="StoreUnavailableException"/>, which every command answers with an
    /// <c>ERR</c> line instead of losing the connection.
    /// </summary>
    private T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            StoreLog.ReadFailed(_logger, Path, ex.Message);
            throw new StoreUnavailableException($"the chat database could not be read: {ex.Message}", ex);
        }
    }

    public ValueTask EnqueueAsync(StoreOperation operation, CancellationToken cancellationToken) => _writer.EnqueueAsync(operation, cancellationToken);

    // SQLite reads are synchronous; they run off the caller's thread (a session's handler, an HTTP request).
    public Task<IReadOnlyList<ChatMessage>> ReadRecentAsync(string room, int count, CancellationToken cancellationToken)
        => ReadInTurnAsync(() => ReadRecent(room, count), cancellationToken);

    public Task<HistoryWindow> FindRecentAsync(string room, int count, CancellationToken cancellationToken)
        => ReadInTurnAsync(() => FindRecent(room, count), cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> ReadAfterAsync(string room, long afterId, int limit, CancellationToken cancellationToken)
        => ReadInTurnAsync(() => ReadAfter(room, afterId, limit), cancellationToken);

    private async Task<T> ReadInTurnAsync<T>(Func<T> read, CancellationToken cancellationToken)
    {
        await _readers.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(read, cancellationToken);
        }
        finally
        {
            _readers.Release();
        }
    }

    public Task<IReadOnlyList<ChatBan>> ReadBansAsync(CancellationToken cancellationToken) => Task.FromResult(ReadBans());

    public Task<IReadOnlyDictionary<string, (string? Topic, string? By)>> ReadTopicsAsync(CancellationToken cancellationToken) => Task.FromResult(ReadTopics());

    /// <summary>One node has nobody else to tell.</summary>
    public Task PublishAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken) => Task.CompletedTask;

    public IReadOnlyList<ChatMessage> ReadRecent(string room, int count) => Read(() =>
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM (SELECT {Columns} FROM messages WHERE room = $room OR kind = $announce ORDER BY id DESC LIMIT $count) ORDER BY id;";
        command.Parameters.AddWithValue("$room", room);
        command.Parameters.AddWithValue("$announce", (int)ChatMessageKind.Announce);
        command.Parameters.AddWithValue("$count", count);
        return ReadMessages(command);
    });

    public HistoryWindow FindRecent(string room, int count) => Read(() =>
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MIN(id), MAX(id) FROM (SELECT id FROM messages WHERE room = $room OR kind = $announce ORDER BY id DESC LIMIT $count);";
        command.Parameters.AddWithValue("$room", room);
        command.Parameters.AddWithValue("$announce", (int)ChatMessageKind.Announce);
        command.Parameters.AddWithValue("$count", count);
        using var reader = command.ExecuteReader();
        reader.Read();
        var found = reader.GetInt32(0);
        return found == 0 ? default : new HistoryWindow(reader.GetInt64(1), reader.GetInt64(2), found);
    });

    public IReadOnlyList<ChatMessage> ReadAfter(string room, long afterId, int limit) => Read(() =>
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM messages WHERE id > $after AND (room = $room OR kind = $announce) ORDER BY id LIMIT $limit;";
        command.Parameters.AddWithValue("$room", room);
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$announce", (int)ChatMessageKind.Announce);
        command.Parameters.AddWithValue("$limit", limit);
        return ReadMessages(command);
    });

    public IReadOnlyList<ChatBan> ReadBans() => Read<IReadOnlyList<ChatBan>>(() =>
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, value, reason, by, time FROM bans ORDER BY time;";
        using var reader = command.ExecuteReader();
        var bans = new List<ChatBan>();
        while (reader.Read())
        {
            bans.Add(new ChatBan(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return bans;
    });

    public IReadOnlyDictionary<string, (string? Topic, string? By)> ReadTopics() => Read<IReadOnlyDictionary<string, (string? Topic, string? By)>>(() =>
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT room, topic, by FROM topics;";
        using var reader = command.ExecuteReader();
        var topics = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            topics[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return topics;
    });

    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Task.Run(() => DeleteOlderThan(cutoff), cancellationToken);

    private int DeleteOlderThan(DateTimeOffset cutoff)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 5 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        // The newest message always stays: its id is where numbering resumes after a restart (ids are never reused).
        command.CommandText = "PRAGMA busy_timeout=5000; DELETE FROM messages WHERE time < $cutoff AND id < (SELECT MAX(id) FROM messages);";
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery();
    }

    void IStoreCommitter.Commit(IReadOnlyList<StoreOperation> batch)
    {
        var firstId = _lastId;
        using var transaction = _writerConnection.BeginTransaction();
        var context = new SqliteStoreBatch(_writerConnection, transaction, this);
        try
        {
            foreach (var operation in batch)
            {
                operation.Apply(context);
            }

            if (_lastId != firstId)
            {
                context.Execute("UPDATE meta SET value = $id WHERE key = 'last_issued_id';", ("$id", _lastId));
            }

            transaction.Commit();
        }
        catch (Exception)
        {
            // Nothing of this batch was delivered, so giving its ids back keeps them gap-free and unseen.
            Interlocked.Exchange(ref _lastId, firstId);
            try
            {
                transaction.Rollback();
            }
            catch (Exception)
            {
                // The transaction may already be gone with the error, which the writer reports.
            }

            throw;
        }
        finally
        {
            context.DisposeCommands();
        }
    }

    internal long NextId() => Interlocked.Increment(ref _lastId);

    public async ValueTask DisposeAsync()
    {
        await _checkpointTimer.DisposeAsync();
        await _writer.DisposeAsync();
        // Pooled read connections would keep the files open (and a test's temp directory undeletable), and a reader
        // still open would pin the log: closed first, so the checkpoint below can empty it.
        SqliteConnection.ClearAllPools();
        Checkpoint();
        _writerConnection.Dispose();
        _lock.Dispose();
    }

    // After a clean stop chat.db alone holds everything: a copy of it is a backup, and losing the -wal file loses
    // nothing. TRUNCATE also leaves the log at zero bytes rather than at its high-water size.
    private void Checkpoint()
    {
        try
        {
            using var command = _writerConnection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            using var reader = command.ExecuteReader();
            // One row: busy (1 when a reader or writer kept the checkpoint from finishing), log pages, checkpointed.
            if (reader.Read() && reader.GetInt32(0) != 0)
            {
                StoreLog.CheckpointFailed(_logger, Path, "the database was busy");
            }
        }
        catch (SqliteException ex)
        {
            StoreLog.CheckpointFailed(_logger, Path, ex.Message);
        }
    }

    // A PASSIVE checkpoint on a connection of its own: the writer's connection belongs to the writer's thread, and
    // PASSIVE neither waits for readers nor blocks the writer (what a reader still uses is copied next time).
    private void PeriodicCheckpoint()
    {
        var batches = _writer.Batches;
        if (batches == Interlocked.Read(ref _checkpointedAtBatch))
        {
            return;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 5 }.ToString());
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout=5000;");
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var reader = command.ExecuteReader();
            // One row: busy, pages in the log, pages copied. All copied: nothing of this batch count is left.
            if (reader.Read() && reader.GetInt32(0) == 0 && reader.GetInt64(1) == reader.GetInt64(2))
            {
                Interlocked.Exchange(ref _checkpointedAtBatch, batches);
            }
        }
        catch (SqliteException ex)
        {
            StoreLog.PeriodicCheckpointFailed(_logger, Path, ex.Message);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    // One node: what this node committed is everything there is, so the batch is delivered as it stands.
    private ValueTask DeliverAsync(IReadOnlyList<StoreOperation> batch)
    {
        // The batch's lines are queued to every recipient first and sent when the scope ends: one system call per
        // recipient per batch instead of one per message (the fan-out cost at window 2). The scope is per thread,
        // so it must never span an await.
        using var sends = Switchboard.Net.SwitchboardConnection.DeferSends();
        foreach (var operation in batch)
        {
            if (operation is AppendMessageOperation { Message: { } message })
            {
                _sink.Deliver(message);
            }

            operation.Complete();
        }

        return ValueTask.CompletedTask;
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private static List<ChatMessage> ReadMessages(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var messages = new List<ChatMessage>();
        while (reader.Read())
        {
            messages.Add(ChatMessageRows.Read(reader, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return messages;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
