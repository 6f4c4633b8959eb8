using Microsoft.Extensions.Logging;

namespace Switchboard.Web;

internal static partial class ConsoleLog
{
    [LoggerMessage(1, LogLevel.Information, "Web console on {Urls} (token required: {TokenRequired})")]
    public static partial void Started(ILogger logger, string urls, bool tokenRequired);

    [LoggerMessage(2, LogLevel.Information, "Client page ({Browser}) connecting to {Transport} {Target}")]
    public static partial void ClientConnecting(ILogger logger, string browser, string transport, string target);

    [LoggerMessage(3, LogLevel.Warning, "Client page ({Browser}) refused {Transport} {Target}: {Reason}")]
    public static partial void ClientRefused(ILogger logger, string browser, string transport, string target, string reason);
}
