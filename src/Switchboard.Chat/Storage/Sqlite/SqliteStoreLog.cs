using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Storage;

internal static partial class StoreLog
{
    [LoggerMessage(120, LogLevel.Warning, "Could not checkpoint {Path} at shutdown; the newest messages stay in its -wal file, which must be kept with it: {Reason}")]
    public static partial void CheckpointFailed(ILogger logger, string path, string reason);
}
