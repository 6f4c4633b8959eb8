using Npgsql;
using NpgsqlTypes;

namespace Switchboard.Chat.Storage.Postgres;

/// <summary>
/// Gathers one group commit for PostgreSQL: messages become ONE multi-row insert (arrays unnested) that also draws
/// their ids, and every other write a statement of the same round trip. Bans and topics also NOTIFY the other nodes, inside the
/// transaction, so they hear of it exactly when it commits.
/// </summary>
internal sealed class PostgresStoreBatch(string node) : IStoreBatch
{
    public const string MessagesChannel = "switchboard_messages";
    public const string ControlChannel = "switchboard_control";

    private readonly List<AppendMessageOperation> _messages = [];

    /// <summary>The messages of the batch, in id order once <see cref="Execute"/> has run.</summary>
    public IReadOnlyList<AppendMessageOperation> Messages => _messages;
    private readonly List<NpgsqlBatchCommand> _commands = [];

    public int MessageCount => _messages.Count;

    public void Append(AppendMessageOperation message) => _messages.Add(message);

    public void SetTopic(string room, string? topic, string by, DateTimeOffset time)
    {
        Add("INSERT INTO topics(room, topic, by, time) VALUES ($1, $2, $3, $4) ON CONFLICT (room) DO UPDATE SET topic = excluded.topic, by = excluded.by, time = excluded.time", room, topic, by, time);
        Notify(new ClusterEvent(ClusterEventKind.Topic, node, room, topic, by));
    }

    public void SetBan(ChatBan ban)
    {
        Add("INSERT INTO bans(kind, value, reason, by, time) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, value) DO UPDATE SET reason = excluded.reason, by = excluded.by, time = excluded.time", ban.Kind, ban.Value, ban.Reason, ban.By, ban.Time);
        Notify(new ClusterEvent(ClusterEventKind.Ban, node, ban.Kind + ":" + ban.Value, ban.Reason, ban.By ?? ""));
    }

    public void RemoveBan(string kind, string value)
    {
        Add("DELETE FROM bans WHERE kind = $1 AND value = $2", kind, value);
        Notify(new ClusterEvent(ClusterEventKind.Unban, node, kind + ":" + value, null, ""));
    }

    /// <summary>
    /// Runs the whole group commit in ONE round trip: a batch of statements without an explicit transaction, which
    /// PostgreSQL runs as one implicit transaction (all or nothing) and commits before it answers. Under the commit
    /// lock, one statement reads the highest id committed so far, draws a block of ids from the sequence, inserts
    /// every message with its id (in batch order) and notifies; the other writes follow. Returns the highest id
    /// committed before this batch (0 when it has no messages): the feed delivers the batch from memory when it has
    /// delivered exactly up to there.
    /// </summary>
    public long Execute(NpgsqlConnection connection)
    {
        using var batch = new NpgsqlBatch(connection);
        var n = _messages.Count;
        if (n > 0)
        {
            var kinds = new int[n];
            var rooms = new string?[n];
            var senders = new string[n];
            var targets = new string?[n];
            var texts = new string[n];
            var times = new DateTimeOffset[n];
            for (var i = 0; i < n; i++)
            {
                var m = _messages[i];
                (kinds[i], rooms[i], senders[i], targets[i], texts[i], times[i]) = ((int)m.Kind, m.Room, m.Sender, m.Target, m.Text, m.Time);
            }

            // The lock is held to commit: whoever draws ids after us sees our rows committed first, so ids appear in
            // the table in increasing order and a reader's "after my last id" never skips a late commit. Nobody else
            // draws while we hold it, so the block is contiguous.
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({PostgresSchema.CommitLockKey})"));
            var insert = new NpgsqlBatchCommand(
                $"""
                WITH previous AS (SELECT COALESCE(MAX(id), 0) AS id FROM messages),
                     block AS MATERIALIZED (SELECT setval('message_ids', nextval('message_ids') + $1 - 1) AS last),
                     inserted AS (
                         INSERT INTO messages(id, kind, room, sender, target, text, time)
                         SELECT block.last - $1 + u.ord, u.kind, u.room, u.sender, u.target, u.text, u.time
                         FROM block, unnest($2, $3, $4, $5, $6, $7) WITH ORDINALITY AS u(kind, room, sender, target, text, time, ord)
                         RETURNING 1)
                SELECT previous.id, block.last, (SELECT count(*) FROM inserted), pg_notify('{MessagesChannel}', block.last::text)
                FROM previous, block
                """);
            insert.Parameters.Add(new NpgsqlParameter { Value = (long)n, NpgsqlDbType = NpgsqlDbType.Bigint });
            insert.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            insert.Parameters.Add(new NpgsqlParameter { Value = rooms, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = senders, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = targets, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = texts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            batch.BatchCommands.Add(insert);
        }

        foreach (var command in _commands)
        {
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count == 0)
        {
            return 0;
        }

        using var reader = batch.ExecuteReader();
        if (n == 0)
        {
            // Drain every statement: the implicit transaction commits once the last one has run.
            while (reader.NextResult())
            {
            }

            return 0;
        }

        reader.NextResult();
        reader.Read();
        var previous = reader.GetInt64(0);
        var last = reader.GetInt64(1);
        while (reader.NextResult())
        {
        }

        reader.Dispose();
        for (var i = 0; i < n; i++)
        {
            _messages[i].Assign(last - n + 1 + i);
        }

        return previous;
    }

    private void Notify(ClusterEvent clusterEvent) => Add("SELECT pg_notify($1, $2)", ControlChannel, clusterEvent.ToJson());

    private void Add(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        _commands.Add(command);
    }
}
