using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Chat.Storage.Sqlite;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Storage;

public sealed class SqliteSchemaTests
{
    [Fact]
    public async Task A_chat_db_from_before_schema_versions_opens_and_keeps_its_messages()
    {
        using var data = new TempDirectory();
        var path = Path.Combine(data.Path, SqliteChatStore.FileName);
        // The tables exactly as the first release wrote them, with user_version left at 0.
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE messages(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, room TEXT, sender TEXT NOT NULL, target TEXT, text TEXT NOT NULL, time INTEGER NOT NULL);
                CREATE INDEX messages_room ON messages(room, id);
                CREATE TABLE bans(kind TEXT NOT NULL, value TEXT NOT NULL, reason TEXT, by TEXT, time INTEGER NOT NULL, PRIMARY KEY(kind, value));
                CREATE TABLE topics(room TEXT PRIMARY KEY, topic TEXT, by TEXT, time INTEGER NOT NULL);
                INSERT INTO messages VALUES (41, 0, 'lobby', 'ann', NULL, 'from the old days', 1700000000000);
                INSERT INTO topics VALUES ('lobby', 'old topic', 'ann', 1700000000000);
                """;
            create.ExecuteNonQuery();
        }

        await using (var store = SqliteChatStore.Open(data.Path, StoreDurability.Normal, new RecordingSink(), 16, NullLogger.Instance))
        {
            Assert.Equal(41, store.LastId);
            Assert.Equal("from the old days", Assert.Single(store.ReadRecent("lobby", 10)).Text);
            Assert.Equal("old topic", store.ReadTopics()["lobby"].Topic);
        }

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal((long)SqliteSchema.Current, (long)version.ExecuteScalar()!);
    }

    [Fact]
    public void A_chat_db_from_a_newer_version_is_refused_not_misread()
    {
        using var data = new TempDirectory();
        var path = Path.Combine(data.Path, SqliteChatStore.FileName);
        using (var future = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            future.Open();
            using var set = future.CreateCommand();
            set.CommandText = $"PRAGMA user_version = {SqliteSchema.Current + 1};";
            set.ExecuteNonQuery();
        }

        var error = Assert.Throws<IOException>(() => SqliteChatStore.Open(data.Path, StoreDurability.Normal, new RecordingSink(), 16, NullLogger.Instance));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }
}
