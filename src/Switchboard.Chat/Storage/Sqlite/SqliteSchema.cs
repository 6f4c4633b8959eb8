using Microsoft.Data.Sqlite;

namespace Switchboard.Chat.Storage.Sqlite;

/// <summary>
/// The chat.db schema and its versions, kept in SQLite's <c>user_version</c>. A database written before versions
/// existed reads 0 and already has the version 1 tables, which <c>IF NOT EXISTS</c> leaves alone.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The version this build writes; a newer file is refused rather than misread.</summary>
    public const int Current = 2;

    private static readonly string[] Migrations =
    [
        // 0 -> 1: the original tables.
        """
        CREATE TABLE IF NOT EXISTS messages(
            id INTEGER PRIMARY KEY,
            kind INTEGER NOT NULL,
            room TEXT,
            sender TEXT NOT NULL,
            target TEXT,
            text TEXT NOT NULL,
            time INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS messages_room ON messages(room, id);
        CREATE TABLE IF NOT EXISTS bans(
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            reason TEXT,
            by TEXT,
            time INTEGER NOT NULL,
            PRIMARY KEY(kind, value));
        CREATE TABLE IF NOT EXISTS topics(
            room TEXT PRIMARY KEY,
            topic TEXT,
            by TEXT,
            time INTEGER NOT NULL);
        """,
        // 1 -> 2: the highest id ever issued, kept apart from the messages so that losing messages is noticed.
        """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta(key, value) VALUES ('last_issued_id', (SELECT COALESCE(MAX(id), 0) FROM messages));
        """,
    ];

    public static void Migrate(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Current)
        {
            throw new IOException($"the chat database has schema version {version}, newer than this switchboard understands ({Current}); use a newer switchboard");
        }

        for (; version < Current; version++)
        {
            using var transaction = connection.BeginTransaction();
            using var step = connection.CreateCommand();
            step.Transaction = transaction;
            // PRAGMA takes no parameters; the version is a number this code produced.
            step.CommandText = Migrations[version] + $"\nPRAGMA user_version = {version + 1};";
            step.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}
