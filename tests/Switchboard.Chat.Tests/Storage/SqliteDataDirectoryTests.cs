using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Chat.Storage;
using Switchboard.Chat.Storage.Sqlite;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Storage;

/// <summary>What the SQLite store does with its data directory: one owner at a time, and a self-contained chat.db after a clean stop.</summary>
public sealed class SqliteDataDirectoryTests
{
    [Fact]
    public async Task A_second_store_on_the_same_directory_is_refused_naming_the_directory_until_the_first_closes()
    {
        using var data = new TempDirectory();
        var first = Open(data.Path);
        try
        {
            var error = Assert.Throws<IOException>(() => Open(data.Path));
            Assert.Contains(data.Path, error.Message, StringComparison.Ordinal);
            Assert.Contains("used by another running switchboard server", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);

            // The refused store touched nothing: the first one still numbers and commits on its own.
            Assert.Equal(1, (await AppendAsync(first, "still mine")).Id);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // Released on dispose: the next server starts, and numbering carries on.
        await using var second = Open(data.Path);
        Assert.Equal(2, (await AppendAsync(second, "after the first stopped")).Id);
    }

    [Fact]
    public async Task After_a_clean_close_chat_db_alone_holds_every_message()
    {
        using var data = new TempDirectory();
        await using (var store = Open(data.Path))
        {
            for (var i = 0; i < 300; i++)
            {
                await AppendAsync(store, $"m{i}");
            }

            // As a running server does (history, replay on join): the pooled read connection this leaves open is
            // what kept SQLite's close-time checkpoint from ever running.
            Assert.Equal(10, store.ReadRecent("lobby", 10).Count);
        }

        var wal = Path.Combine(data.Path, SqliteChatStore.FileName + "-wal");
        Assert.True(!File.Exists(wal) || new FileInfo(wal).Length == 0, "the write-ahead log still holds data after a clean close");

        // A backup that copies chat.db and nothing else.
        using var backup = new TempDirectory();
        var copy = Path.Combine(backup.Path, SqliteChatStore.FileName);
        File.Copy(Path.Combine(data.Path, SqliteChatStore.FileName), copy);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MAX(id), MIN(text) FROM messages;";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((300L, 300L, "m0"), (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
    }

    [Fact]
    public async Task A_database_whose_history_went_backwards_is_refused_loudly_instead_of_reusing_ids()
    {
        using var data = new TempDirectory();
        await using (var store = Open(data.Path))
        {
            for (var i = 0; i < 5; i++)
            {
                await AppendAsync(store, $"m{i}");
            }
        }

        // What a lost -wal file does to the newest commits, done by hand so the test does not depend on when
        // SQLite checkpoints.
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data.Path, SqliteChatStore.FileName), Pooling = false }.ToString()))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM messages WHERE id > 2;";
            Assert.Equal(3, delete.ExecuteNonQuery());
        }

        var error = Assert.Throws<IOException>(() => Open(data.Path));
        Assert.Contains("went backwards", error.Message, StringComparison.Ordinal);
        Assert.Contains("id 2 but ids up to 5", error.Message, StringComparison.Ordinal);
    }

    private static SqliteChatStore Open(string directory) => SqliteChatStore.Open(directory, StoreDurability.Normal, new RecordingSink(), 1024, NullLogger.Instance);

    private static async Task<ChatMessage> AppendAsync(IChatStore store, string text)
    {
        var operation = new AppendMessageOperation(ChatMessageKind.Say, "lobby", "ann", null, text);
        await store.EnqueueAsync(operation, CancellationToken.None);
        return await operation.Completion;
    }
}
