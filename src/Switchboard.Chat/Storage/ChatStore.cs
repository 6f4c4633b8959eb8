using Microsoft.Data.Sqlite;

namespace Switchboard.Chat.Storage;

/// <summary>A ban kept in the store.</summary>
/// <param name="Kind">"nick" or "address".</param>
/// <param name="Value">The nick (lower case) or the IP address.</param>
/// <param name="Reason">Why, as the operator said.</param>
/// <param name="By">The operator's nick.</param>
/// <param name="Time">When the ban was set.</param>
public sealed record ChatBan(string Kind, string Value, string? Reason, string? By, DateTimeOffset Time);

/// <summary>
/// The SQLite database in WAL mode: one writer connection owned by <see cref="GroupCommitWriter"/>, and short
/// pooled read connections, which WAL lets run alongside the writer.
/// </summary>
internal sealed class ChatStore : IDisposable
{
    public const string FileName = "chat.db";

    private const string Schema = """
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
        """;

    private const string Columns = "id, kind, room, sender, target, text, time";

    private readonly string _readConnectionString;

    private ChatStore(string path, SqliteConnection writer, long lastId)
    {
        Path = path;
        WriterConnection = writer;
        LastId = lastId;
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    public string Path { get; }

    /// <summary>The highest id committed when the store was opened.</summary>
    public long LastId { get; }

    public SqliteConnection WriterConnection { get; }

    public static ChatStore Open(string directory, StoreDurability durability)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            // WAL: readers never block the writer and a commit is one append to the log. synchronous=FULL fsyncs
            // the log at each commit; NORMAL leaves that to the OS, which still survives a killed process.
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, durability == StoreDurability.Full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Execute(connection, "PRAGMA busy_timeout=5000;");
            Execute(connection, Schema);
            using var max = connection.CreateCommand();
            max.CommandText = "SELECT COALESCE(MAX(id), 0) FROM messages;";
            var lastId = Convert.ToInt64(max.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            return new ChatStore(path, connection, lastId);
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

    /// <summary>The last <paramref name="count"/> messages of a room (announcements included), oldest first.</summary>
    public IReadOnlyList<ChatMessage> ReadRecent(string room, int count)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM (SELECT {Columns} FROM messages WHERE room = $room OR kind = $announce ORDER BY id DESC LIMIT $count) ORDER BY id;";
        command.Parameters.AddWithValue("$room", room);
        command.Parameters.AddWithValue("$announce", (int)ChatMessageKind.Announce);
        command.Parameters.AddWithValue("$count", count);
        return ReadMessages(command);
    }

    /// <summary>Up to <paramref name="limit"/> messages of a room with an id above <paramref name="afterId"/>, oldest first.</summary>
    public IReadOnlyList<ChatMessage> ReadAfter(string room, long afterId, int limit)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM messages WHERE id > $after AND (room = $room OR kind = $announce) ORDER BY id LIMIT $limit;";
        command.Parameters.AddWithValue("$room", room);
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$announce", (int)ChatMessageKind.Announce);
        command.Parameters.AddWithValue("$limit", limit);
        return ReadMessages(command);
    }

    public IReadOnlyList<ChatBan> ReadBans()
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
    }

    public IReadOnlyDictionary<string, (string? Topic, string? By)> ReadTopics()
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
    }

    public void Dispose()
    {
        WriterConnection.Dispose();
        // Pooled read connections would keep the files open (and a test's temp directory undeletable).
        SqliteConnection.ClearAllPools();
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
            messages.Add(new ChatMessage(
                reader.GetInt64(0),
                (ChatMessageKind)reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return messages;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
