using Microsoft.Data.Sqlite;

namespace Switchboard.Chat.Storage;

/// <summary>
/// One write handed to the <see cref="GroupCommitWriter"/>. It is applied inside a batch transaction; only
/// after that transaction commits does <see cref="Committed"/> run (for a message: its delivery).
/// </summary>
internal abstract class StoreOperation
{
    public abstract void Apply(StoreBatch batch);

    public abstract void Committed();

    public abstract void Failed(Exception error);
}

/// <summary>The open transaction of one group commit, with its prepared statements.</summary>
internal sealed class StoreBatch(SqliteConnection connection, SqliteTransaction transaction, GroupCommitWriter writer)
{
    private SqliteCommand? _insert;

    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction Transaction { get; } = transaction;

    /// <summary>Assigns the next id and inserts the message.</summary>
    public ChatMessage Insert(ChatMessageKind kind, string? room, string sender, string? target, string text, DateTimeOffset time)
    {
        var id = writer.NextId();
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
        p[0].Value = id;
        p[1].Value = (int)kind;
        p[2].Value = (object?)room ?? DBNull.Value;
        p[3].Value = sender;
        p[4].Value = (object?)target ?? DBNull.Value;
        p[5].Value = text;
        p[6].Value = time.ToUnixTimeMilliseconds();
        _insert.ExecuteNonQuery();
        return new ChatMessage(id, kind, room, sender, target, text, time);
    }

    public SqliteCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

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
}

/// <summary>Appends one message; <paramref name="onCommitted"/> delivers it once it is durable.</summary>
internal sealed class AppendMessageOperation(ChatMessageKind kind, string? room, string sender, string? target, string text, Action<ChatMessage> onCommitted) : StoreOperation
{
    private readonly TaskCompletionSource<ChatMessage> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChatMessage? _message;

    /// <summary>Completes with the stored message after commit and delivery.</summary>
    public Task<ChatMessage> Completion => _done.Task;

    public override void Apply(StoreBatch batch) => _message = batch.Insert(kind, room, sender, target, text, DateTimeOffset.UtcNow);

    public override void Committed()
    {
        onCommitted(_message!);
        _done.TrySetResult(_message!);
    }

    public override void Failed(Exception error) => _done.TrySetException(error);
}

/// <summary>Any other write (a ban, a topic) riding in the next group commit.</summary>
internal sealed class ActionOperation(Action<StoreBatch> apply) : StoreOperation
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _done.Task;

    public override void Apply(StoreBatch batch) => apply(batch);

    public override void Committed() => _done.TrySetResult();

    public override void Failed(Exception error) => _done.TrySetException(error);
}
