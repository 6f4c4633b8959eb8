using Npgsql;

namespace Switchboard.Chat.Storage.Postgres;

/// <summary>
/// The shared schema and its versions, kept in the <c>schema_version</c> table. Nodes starting together migrate one
/// at a time under an advisory lock.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The version this build writes; a newer database is refused rather than misread.</summary>
    public const int Current = 2;

    /// <summary>The advisory lock key every node takes to commit messages: holding it while ids are drawn from
    /// the sequence makes commit order equal id order across nodes, so "read after my last id" misses nothing.</summary>
    public const long CommitLockKey = 0x5377_6974_6368_01;

    private const long MigrationLockKey = 0x5377_6974_6368_02;

    private static readonly string[] Migrations =
    [
        // 0 -> 1
        """
        CREATE SEQUENCE message_ids;
        CREATE TABLE messages(
            id bigint PRIMARY KEY,
            kind integer NOT NULL,
            room text,
            sender text NOT NULL,
            target text,
            text text NOT NULL,
            time timestamptz NOT NULL);
        CREATE INDEX messages_room ON messages(room, id);
        CREATE INDEX messages_time ON messages(time);
        CREATE TABLE bans(
            kind text NOT NULL,
            value text NOT NULL,
            reason text,
            by text,
            time timestamptz NOT NULL,
            PRIMARY KEY(kind, value));
        CREATE TABLE topics(
            room text PRIMARY KEY,
            topic text,
            by text,
            time timestamptz NOT NULL);
        CREATE TABLE nodes(
            name text PRIMARY KEY,
            heartbeat timestamptz NOT NULL);
        CREATE TABLE presence(
            nick_key text PRIMARY KEY,
            nick text NOT NULL,
            node text NOT NULL REFERENCES nodes(name) ON DELETE CASCADE,
            room text);
        CREATE INDEX presence_room ON presence(room);
        CREATE INDEX presence_node ON presence(node);
        """,

        // 1 -> 2: nicks unique by look across nodes (NickSkeleton), not only by case. Rows written by a node of the
        // old version have no skeleton (NULL, which a unique index never compares) until that node restarts.
        """
        ALTER TABLE presence ADD COLUMN skeleton text;
        CREATE UNIQUE INDEX presence_skeleton ON presence(skeleton);
        """,
    ];

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey}); CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL);", connection))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version;", connection);
            var version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (version > Current)
            {
                throw new IOException($"the chat database has schema version {version}, newer than this switchboard understands ({Current}); use a newer switchboard");
            }

            for (; version < Current; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using var step = new NpgsqlCommand(Migrations[version] + $"\nDELETE FROM schema_version; INSERT INTO schema_version VALUES ({version + 1});", connection, transaction);
                await step.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey});", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
