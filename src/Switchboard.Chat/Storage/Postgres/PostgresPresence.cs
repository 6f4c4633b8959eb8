using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Switchboard.Chat.Storage.Postgres;

/// <summary>
/// Presence shared by the nodes: a row per node with a heartbeat, a row per user with its node and room. A node
/// that stops heartbeating (crashed, cut off) is deleted after the timeout, and its users with it (ON DELETE
/// CASCADE), which frees their nicks for the rest of the cluster.
/// </summary>
internal sealed class PostgresPresence : IChatPresence, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IChatStoreSink _sink;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeat = Task.CompletedTask;

    public PostgresPresence(NpgsqlDataSource dataSource, string node, TimeSpan timeout, IChatStoreSink sink, ILogger logger)
    {
        _dataSource = dataSource;
        Node = node;
        _timeout = timeout;
        _sink = sink;
        _logger = logger;
    }

    public string Node { get; }

    /// <summary>Registers this node (forgetting users a previous run under the same name left) and starts the heartbeat.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync("INSERT INTO nodes(name, heartbeat) VALUES ($1, now()) ON CONFLICT (name) DO UPDATE SET heartbeat = now()", [Node], cancellationToken);
        await ExecuteAsync("DELETE FROM presence WHERE node = $1", [Node], cancellationToken);
        StoreLog.NodeRegistered(_logger, Node, _timeout.TotalSeconds);
        _heartbeat = Task.Run(HeartbeatAsync);
    }

    public async Task<bool> TryClaimAsync(string nick, string? room, CancellationToken cancellationToken)
    {
        return await Guard(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    // A holder whose node has gone silent loses the nick (or its look) now, not at the next sweep.
                    Command("DELETE FROM presence p USING nodes n WHERE (p.nick_key = $1 OR p.skeleton = $3) AND p.node = n.name AND n.heartbeat < now() - make_interval(secs => $2)", Key(nick), _timeout.TotalSeconds, NickSkeleton.Of(nick)),
                    // Either unique key refuses it: the same nick in another case, or one that looks the same (aIice, alice).
                    Command("INSERT INTO presence(nick_key, nick, node, room, skeleton) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", Key(nick), nick, Node, room, NickSkeleton.Of(nick)),
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return batch.BatchCommands[1].RecordsAffected == 1;
        });
    }

    public Task RenameAsync(string nick, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE presence SET nick = $2 WHERE nick_key = $1 AND node = $3", [Key(nick), nick, Node], cancellationToken);

    public Task ReleaseAsync(string nick, CancellationToken cancellationToken)
        => ExecuteAsync("DELETE FROM presence WHERE nick_key = $1 AND node = $2", [Key(nick), Node], cancellationToken);

    public Task SetRoomAsync(string nick, string? room, CancellationToken cancellationToken)
        => ExecuteAsync("UPDATE presence SET room = $3 WHERE nick_key = $1 AND node = $2", [Key(nick), Node, room], cancellationToken);

    public Task<PresenceEntry?> FindAsync(string nick, CancellationToken cancellationToken) => Guard(async () =>
    {
        // By look as well, as this node's own sessions are found: /msg aIice reaches alice, the one who holds that look.
        await using var command = _dataSource.CreateCommand("SELECT nick, node, room FROM presence WHERE nick_key = $1 OR skeleton = $2 ORDER BY nick_key = $1 DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = Key(nick) });
        command.Parameters.Add(new NpgsqlParameter { Value = NickSkeleton.Of(nick) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PresenceEntry(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    });

    public Task<IReadOnlyList<string>> ListRoomAsync(string room, CancellationToken cancellationToken) => Guard<IReadOnlyList<string>>(async () =>
    {
        await using var command = _dataSource.CreateCommand("SELECT nick FROM presence WHERE room = $1 ORDER BY nick_key");
        command.Parameters.Add(new NpgsqlParameter { Value = room });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var nicks = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            nicks.Add(reader.GetString(0));
        }

        return nicks;
    });

    public Task<IReadOnlyList<(string Room, int Count)>> CountRoomsAsync(string? after, int limit, CancellationToken cancellationToken) => Guard<IReadOnlyList<(string Room, int Count)>>(async () =>
    {
        // COLLATE "C": byte order, the same as the ordinal order the node merges its own rooms in (room names are ASCII).
        await using var command = _dataSource.CreateCommand(
            "SELECT room, count(*) FROM presence WHERE room IS NOT NULL AND ($1::text IS NULL OR room COLLATE \"C\" > $1) " +
            "GROUP BY room ORDER BY room COLLATE \"C\" LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rooms = new List<(string, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rooms.Add((reader.GetString(0), (int)reader.GetInt64(1)));
        }

        return rooms;
    });

    /// <summary>Stops the heartbeat and removes this node and its users, so their nicks are free at once.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _heartbeat;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ExecuteAsync("DELETE FROM nodes WHERE name = $1", [Node], timeout.Token);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or OperationCanceledException)
        {
            // The database is away: the heartbeat timeout frees the nicks instead.
        }
    }

    private async Task HeartbeatAsync()
    {
        var failing = false;
        while (true)
        {
            try
            {
                await Task.Delay(_timeout / 3, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(_stop.Token);
                await using var beat = new NpgsqlCommand("UPDATE nodes SET heartbeat = now() WHERE name = $1", connection) { Parameters = { new() { Value = Node } } };
                if (await beat.ExecuteNonQueryAsync(_stop.Token) == 0 || failing)
                {
                    // Back from an outage: users who left meanwhile could not be released, and after a long one the
                    // others dropped this node altogether. Make the table match the users here again.
                    await ReRegisterAsync(connection);
                }

                await using var sweep = new NpgsqlCommand("DELETE FROM nodes WHERE heartbeat < now() - make_interval(secs => $1)", connection) { Parameters = { new() { Value = _timeout.TotalSeconds } } };
                await sweep.ExecuteNonQueryAsync(_stop.Token);
                failing = false;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbException or IOException or TimeoutException)
            {
                if (!failing)
                {
                    failing = true;
                    StoreLog.HeartbeatFailed(_logger, ex.Message);
                }
            }
        }
    }

    private async Task ReRegisterAsync(NpgsqlConnection connection)
    {
        await using var node = new NpgsqlCommand("INSERT INTO nodes(name, heartbeat) VALUES ($1, now()) ON CONFLICT (name) DO UPDATE SET heartbeat = now()", connection) { Parameters = { new() { Value = Node } } };
        await node.ExecuteNonQueryAsync(_stop.Token);
        var users = _sink.LocalUsers();
        await using var gone = new NpgsqlCommand("DELETE FROM presence WHERE node = $1 AND NOT (nick_key = ANY($2))", connection)
        {
            Parameters = { new() { Value = Node }, new() { Value = users.Select(u => Key(u.Nick)).ToArray() } },
        };
        await gone.ExecuteNonQueryAsync(_stop.Token);
        // A nick someone else took while this node was cut off stays theirs.
        foreach (var (nick, room) in users)
        {
            await using var claim = new NpgsqlCommand("INSERT INTO presence(nick_key, nick, node, room, skeleton) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", connection)
            {
                Parameters = { new() { Value = Key(nick) }, new() { Value = nick }, new() { Value = Node }, new() { Value = (object?)room ?? DBNull.Value }, new() { Value = NickSkeleton.Of(nick) } },
            };
            await claim.ExecuteNonQueryAsync(_stop.Token);
        }
    }

    private Task ExecuteAsync(string sql, object?[] values, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    });

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static string Key(string nick) => nick.ToLowerInvariant();

    // The one place presence turns the driver's errors into the store's.
    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is DbException or TimeoutException)
        {
            throw new StoreUnavailableException($"the chat database is unavailable: {ex.Message}", ex);
        }
    }
}
