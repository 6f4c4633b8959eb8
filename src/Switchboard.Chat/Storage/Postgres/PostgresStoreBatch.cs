using Npgsql;
using NpgsqlTypes;

namespace Switchboard.Chat.Storage.Postgres;

/// <summary>
/// Gathers one group commit for PostgreSQL: messages become ONE multi-row insert (arrays unnested), and every
/// other write a statement of the same round trip. Bans and topics also NOTIFY the other nodes, inside the
/// transaction, so they hear of it exactly when it commits.
/// </summary>
internal sealed class PostgresStoreBatch(string node) : IStoreBatch
{
    public const string MessagesChannel = "switchboard_messages";
    public const string ControlChannel = "switchboard_control";

    private readonly List<AppendMessageOperation> _messages = [];
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
    /// Runs the batch in <paramref name="transaction"/>: draws the message ids (under the commit lock), inserts every
    /// message in one statement, runs the other writes, and notifies. The caller commits.
    /// </summary>
    public void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        if (_messages.Count > 0)
        {
            AssignIds(connection, transaction);
            var ids = new long[_messages.Count];
            var kinds = new int[_messages.Count];
            var rooms = new string?[_messages.Count];
            var senders = new string[_messages.Count];
            var targets = new string?[_messages.Count];
            var texts = new string[_messages.Count];
            var times = new DateTimeOffset[_messages.Count];
            for (var i = 0; i < _messages.Count; i++)
            {
                var m = _messages[i].Message!;
                (ids[i], kinds[i], rooms[i], senders[i], targets[i], texts[i], times[i]) = (m.Id, (int)m.Kind, m.Room, m.Sender, m.Target, m.Text, m.Time);
            }

            var insert = new NpgsqlBatchCommand("INSERT INTO messages(id, kind, room, sender, target, text, time) SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7)");
            insert.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            insert.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            insert.Parameters.Add(new NpgsqlParameter { Value = rooms, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = senders, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = targets, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = texts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            _commands.Insert(0, insert);
            // One notification per batch, carrying no bodies: only that there is something after your last id.
            Add("SELECT pg_notify($1, $2)", MessagesChannel, ids[^1].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (_commands.Count == 0)
        {
            return;
        }

        using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in _commands)
        {
            batch.BatchCommands.Add(command);
        }

        batch.ExecuteNonQuery();
    }

    private void AssignIds(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        // The lock is held to commit: whoever draws ids after us sees our rows committed first, so ids appear in
        // the table in increasing order and a reader's "after my last id" never skips a late commit.
        using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({PostgresSchema.CommitLockKey})"),
                new NpgsqlBatchCommand("SELECT nextval('message_ids') FROM generate_series(1, $1)") { Parameters = { new NpgsqlParameter { Value = _messages.Count } } },
            },
        };
        using var reader = batch.ExecuteReader();
        reader.NextResult();
        var ids = new List<long>(_messages.Count);
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        ids.Sort();
        for (var i = 0; i < _messages.Count; i++)
        {
            _messages[i].Assign(ids[i]);
        }
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
