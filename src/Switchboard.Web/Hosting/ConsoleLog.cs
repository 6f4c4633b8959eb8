using Microsoft.Extensions.Logging;

namespace Switchboard.Web;

internal static partial class ConsoleLog
{
    [LoggerMessage(1, LogLevel.Information, "Web console on {Urls}")]
    public static partial void Started(ILogger logger, string urls);
}
