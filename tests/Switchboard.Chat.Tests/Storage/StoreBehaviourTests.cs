using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Chat.Storage;
using Switchboard.Chat.Storage.Postgres;
using Switchboard.Chat.Storage.Sqlite;
using Switchboard.Chat.Tests.Infrastructure;

namespace Switchboard.Chat.Tests.Storage;

/// <summary>What every store must do, run against SQLite and against PostgreSQL.</summary>
public abstract class StoreBehaviourTests
{
    private protected abstract Task<IChatStore> OpenAsync(IChatStoreSink sink);

    [Fact]
    public async Task A_batch_gets_increasing_ids_and_is_delivered_once_in_id_order()
    {
        var sink = new RecordingSink();
        await using var store = await OpenAsync(sink);
        var operations = Enumerable.Range(0, 200).Select(i => new AppendMessageOperation(ChatMessageKind.Say, i % 2 == 0 ? "lobby" : "other", "ann", null, $"m{i}")).ToList();
        foreach (var operation in operations)
        {
            await store.EnqueueAsync(operation, CancellationToken.None);
        }

        var stored = await Task.WhenAll(operations.Select(o => o.Completion));
        var ids = stored.Select(m => m.Id).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, sink.Delivered.Select(m => m.Id));
        Assert.Equal(ids[^1], store.LastId);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}"), sink.Delivered.Select(m => m.Text));
    }

    [Fact]
    public async Task Recent_and_after_read_a_room_with_announcements_oldest_first()
    {
        await using var store = await OpenAsync(new RecordingSink());
        var lobby1 = await AppendAsync(store, ChatMessageKind.Say, "lobby", "one");
        await AppendAsync(store, ChatMessageKind.Say, "other", "elsewhere");
        var announce = await AppendAsync(store, ChatMessageKind.Announce, null, "hear ye");
        await AppendAsync(store, ChatMessageKind.Private, null, "secret", target: "bob");
        var lobby2 = await AppendAsync(store, ChatMessageKind.Action, "lobby", "waves");

        var recent = await store.ReadRecentAsync("lobby", 10, CancellationToken.None);
        Assert.Equal([lobby1.Id, announce.Id, lobby2.Id], recent.Select(m => m.Id));
        Assert.Equal(ChatMessageKind.Action, recent[^1].Kind);
        Assert.Equal("ann", recent[^1].Sender);

        var lastTwo = await store.ReadRecentAsync("lobby", 2, CancellationToken.None);
        Assert.Equal([announce.Id, lobby2.Id], lastTwo.Select(m => m.Id));

        var after = await store.ReadAfterAsync("lobby", lobby1.Id, 1, CancellationToken.None);
        Assert.Equal([announce.Id], after.Select(m => m.Id));
        Assert.Equal(lobby1.Time.ToUnixTimeMilliseconds(), recent[0].Time.ToUnixTimeMilliseconds(), tolerance: 1);
    }

    [Fact]
    public async Task Topics_and_bans_are_kept()
    {
        await using var store = await OpenAsync(new RecordingSink());
        var when = DateTimeOffset.UtcNow;
        await WriteAsync(store, b => b.SetTopic("lobby", "first", "ann", when));
        await WriteAsync(store, b => b.SetTopic("lobby", "second", "bob", when));
        await WriteAsync(store, b => b.SetBan(new ChatBan("nick", "mallory", "spam", "ann", when)));
        await WriteAsync(store, b => b.SetBan(new ChatBan("address", "10.0.0.1", null, "ann", when)));
        await WriteAsync(store, b => b.RemoveBan("address", "10.0.0.1"));

        var topics = await store.ReadTopicsAsync(CancellationToken.None);
        Assert.Equal(("second", "bob"), topics["lobby"]);
        var ban = Assert.Single(await store.ReadBansAsync(CancellationToken.None));
        Assert.Equal(("nick", "mallory", "spam", "ann"), (ban.Kind, ban.Value, ban.Reason, ban.By));
    }

    [Fact]
    public async Task Presence_holds_a_nick_once_case_insensitively_and_lists_rooms()
    {
        await using var store = await OpenAsync(new RecordingSink());
        var presence = store.Presence;
        Assert.True(await presence.TryClaimAsync("Alice", "lobby", CancellationToken.None));
        Assert.False(await presence.TryClaimAsync("alice", null, CancellationToken.None));
        Assert.True(await presence.TryClaimAsync("bob", null, CancellationToken.None));
        await presence.SetRoomAsync("bob", "lobby", CancellationToken.None);
        Assert.True(await presence.TryClaimAsync("carol", "den", CancellationToken.None));

        Assert.Equal(["Alice", "bob"], await presence.ListRoomAsync("lobby", CancellationToken.None));
        var rooms = await presence.CountRoomsAsync(null, 10, CancellationToken.None);
        Assert.Equal([("den", 1), ("lobby", 2)], rooms);
        // Paged in ordinal name order: a page after a name, and a page cut at its limit.
        Assert.Equal([("lobby", 2)], await presence.CountRoomsAsync("den", 10, CancellationToken.None));
        Assert.Equal([("lobby", 2)], await presence.CountRoomsAsync("dzz", 10, CancellationToken.None));
        Assert.Equal([("den", 1)], await presence.CountRoomsAsync(null, 1, CancellationToken.None));
        Assert.Empty(await presence.CountRoomsAsync("lobby", 10, CancellationToken.None));
        Assert.Equal("Alice", (await presence.FindAsync("ALICE", CancellationToken.None))?.Nick);

        await presence.ReleaseAsync("alice", CancellationToken.None);
        Assert.Null(await presence.FindAsync("alice", CancellationToken.None));
        await presence.SetRoomAsync("carol", "lobby", CancellationToken.None);
        Assert.Equal([("lobby", 2)], await presence.CountRoomsAsync(null, 10, CancellationToken.None));
        Assert.True(await presence.TryClaimAsync("alice", null, CancellationToken.None));
    }

    [Fact]
    public async Task A_store_opened_again_continues_after_its_last_id()
    {
        var sink = new RecordingSink();
        ChatMessage last;
        await using (var store = await OpenAsync(sink))
        {
            await AppendAsync(store, ChatMessageKind.Say, "lobby", "a");
            last = await AppendAsync(store, ChatMessageKind.Say, "lobby", "b");
        }

        await using var reopened = await OpenAsync(new RecordingSink());
        Assert.Equal(last.Id, reopened.LastId);
        var next = await AppendAsync(reopened, ChatMessageKind.Say, "lobby", "c");
        Assert.True(next.Id > last.Id);
    }

    [Fact]
    public async Task Retention_deletes_only_what_is_older_than_the_cutoff()
    {
        var store = await OpenAsync(new RecordingSink());
        var old = await AppendAsync(store, ChatMessageKind.Say, "lobby", "old");
        await Task.Delay(50);
        var kept = await AppendAsync(store, ChatMessageKind.Say, "lobby", "kept");
        Assert.True(kept.Time > old.Time);

        Assert.Equal(1, await store.DeleteOlderThanAsync(kept.Time.AddMilliseconds(-10), CancellationToken.None));
        Assert.Equal([kept.Id], (await store.ReadRecentAsync("lobby", 10, CancellationToken.None)).Select(m => m.Id));
        // The newest message stays even when it is old: ids resume after it when the store opens again.
        Assert.Equal(0, await store.DeleteOlderThanAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None));
        await store.DisposeAsync();
        await using var reopened = await OpenAsync(new RecordingSink());
        var next = await AppendAsync(reopened, ChatMessageKind.Say, "lobby", "next");
        Assert.True(next.Id > kept.Id);
    }

    private static async Task<ChatMessage> AppendAsync(IChatStore store, ChatMessageKind kind, string? room, string text, string? target = null)
    {
        var operation = new AppendMessageOperation(kind, room, "ann", target, text);
        await store.EnqueueAsync(operation, CancellationToken.None);
        return await operation.Completion;
    }

    private static async Task WriteAsync(IChatStore store, Action<IStoreBatch> write)
    {
        var operation = new ActionOperation(write);
        await store.EnqueueAsync(operation, CancellationToken.None);
        await operation.Completion;
    }
}

public sealed class SqliteStoreBehaviourTests : StoreBehaviourTests, IDisposable
{
    private readonly TempDirectory _data = new();

    private protected override Task<IChatStore> OpenAsync(IChatStoreSink sink)
        => Task.FromResult<IChatStore>(SqliteChatStore.Open(_data.Path, StoreDurability.Normal, sink, 1024, NullLogger.Instance));

    public void Dispose() => _data.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreBehaviourTests(PostgresFixture postgres) : StoreBehaviourTests, IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await postgres.Server.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private protected override async Task<IChatStore> OpenAsync(IChatStoreSink sink)
        => await PostgresChatStore.OpenAsync(_connectionString, "test-node", sink, new ChatServerOptions(), NullLogger.Instance, CancellationToken.None);
}
