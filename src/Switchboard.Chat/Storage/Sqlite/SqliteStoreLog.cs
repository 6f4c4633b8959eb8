using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Storage;

internal static partial class StoreLog
{
    [LoggerMessage(120, LogLevel.Warning, "Could not checkpoint {Path} at shutdown; the newest messages stay in its -wal file, which must be kept with it: {Reason}")]
    public static partial void CheckpointFailed(ILogger logger, string path, string reason);

    [LoggerMessage(121, LogLevel.Error, "The chat database {Path} could not be read: {Reason}. If it is damaged, stop the server and restore a backup (docs/OPERATIONS.md, \"Backup and recovery\")")]
    public static partial void ReadFailed(ILogger logger, string path, string reason);

    [LoggerMessage(122, LogLevel.Warning, "Periodic checkpoint of {Path} failed; it is tried again later: {Reason}")]
    public static partial void PeriodicCheckpointFailed(ILogger logger, string path, string reason);
}
