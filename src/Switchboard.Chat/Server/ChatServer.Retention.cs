using Microsoft.Extensions.Logging;

namespace Switchboard.Chat;

// History retention: messages older than Chat:HistoryRetention are deleted at start and then periodically.
public sealed partial class ChatServer
{
    private readonly CancellationTokenSource _retentionStop = new();
    private Task _retention = Task.CompletedTask;

    private void StartRetention(TimeSpan? retention)
    {
        if (retention is not { } keep)
        {
            return;
        }

        // Often enough that nothing outlives the period by much, rarely enough to cost nothing: a tenth of it,
        // between one second and an hour.
        var every = TimeSpan.FromTicks(Math.Clamp(keep.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
        _retention = Task.Run(async () =>
        {
            while (!_retentionStop.IsCancellationRequested)
            {
                try
                {
                    var deleted = await Store.DeleteOlderThanAsync(DateTimeOffset.UtcNow - keep, _retentionStop.Token);
                    if (deleted > 0)
                    {
                        Log.HistoryTrimmed(_logger, deleted, keep);
                    }

                    await Task.Delay(every, _retentionStop.Token);
                }
                catch (OperationCanceledException) when (_retentionStop.IsCancellationRequested)
                {
                    return;
                }
                catch (IOException ex)
                {
                    // The database is away (or busy); the next round tries again.
                    Log.HistoryTrimFailed(_logger, ex.Message);
                    await Task.Delay(every, CancellationToken.None);
                }
            }
        });
    }

    private async Task StopRetentionAsync()
    {
        await _retentionStop.CancelAsync();
        await _retention;
    }

    internal static partial class Log
    {
        [LoggerMessage(18, LogLevel.Information, "History retention deleted {Count} messages older than {Retention}")]
        public static partial void HistoryTrimmed(ILogger logger, int count, TimeSpan retention);

        [LoggerMessage(19, LogLevel.Warning, "History retention could not delete old messages: {Reason}")]
        public static partial void HistoryTrimFailed(ILogger logger, string reason);
    }
}
