using Microsoft.Data.Sqlite;

namespace Switchboard.Chat.Storage.Sqlite;

/// <summary>The open transaction of one SQLite group commit, with its prepared insert.</summary>
internal sealed class SqliteStoreBatch(SqliteConnection connection, SqliteTransaction transaction, SqliteChatStore store) : IStoreBatch
{
    private SqliteCommand? _insert;

    public void Append(AppendMessageOperation message)
    {
        var stored = message.Assign(store.NextId());
        if (_insert is null)
        {
            _insert = Command("INSERT INTO messages(id, kind, room, sender, target, text, time) VALUES ($id, $kind, $room, $sender, $target, $text, $time);");
            foreach (var name in (string[])["$id", "$kind", "$room", "$sender", "$target", "$text", "$time"])
            {
                _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _insert.Prepare();
        }

        var p = _insert.Parameters;
        p[0].Value = stored.Id;
        p[1].Value = (int)stored.Kind;
        p[2].Value = (object?)stored.Room ?? DBNull.Value;
        p[3].Value = stored.Sender;
        p[4].Value = (object?)stored.Target ?? DBNull.Value;
        p[5].Value = stored.Text;
        p[6].Value = stored.Time.ToUnixTimeMilliseconds();
        _insert.ExecuteNonQuery();
    }

    public void SetTopic(string room, string? topic, string by, DateTimeOffset time) => Execute(
        "INSERT INTO topics(room, topic, by, time) VALUES ($room, $topic, $by, $time) ON CONFLICT(room) DO UPDATE SET topic = excluded.topic, by = excluded.by, time = excluded.time;",
        ("$room", room), ("$topic", topic), ("$by", by), ("$time", time.ToUnixTimeMilliseconds()));

    public void SetBan(ChatBan ban) => Execute(
        "INSERT OR REPLACE INTO bans(kind, value, reason, by, time) VALUES ($kind, $value, $reason, $by, $time);",
        ("$kind", ban.Kind), ("$value", ban.Value), ("$reason", ban.Reason), ("$by", ban.By), ("$time", ban.Time.ToUnixTimeMilliseconds()));

    public void RemoveBan(string kind, string value) => Execute("DELETE FROM bans WHERE kind = $kind AND value = $value;", ("$kind", kind), ("$value", value));

    /// <summary>Raw SQL in the batch's transaction (tests use it to make a commit fail).</summary>
    public void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    public void DisposeCommands() => _insert?.Dispose();

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
