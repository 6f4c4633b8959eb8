using Microsoft.Extensions.Logging;

namespace Switchboard.Net;

public sealed partial class SwitchboardListener
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Listening ({Transport}) on {EndPoint}")]
        public static partial void Listening(ILogger logger, TransportKind transport, string endPoint);

        [LoggerMessage(2, LogLevel.Warning, "Rejected {Connection}: {Reason}")]
        public static partial void Rejected(ILogger logger, string connection, string reason);

        [LoggerMessage(3, LogLevel.Error, "Handler failed on {Connection}")]
        public static partial void HandlerFailed(ILogger logger, string connection, Exception exception);

        [LoggerMessage(4, LogLevel.Information, "Stopped listening on {EndPoint}; {Count} connections stay open (the address is released when they end)")]
        public static partial void StoppedListening(ILogger logger, string endPoint, int count);

        [LoggerMessage(5, LogLevel.Information, "Listening again on {EndPoint} (still bound: {Count} connections stayed open)")]
        public static partial void ListeningAgain(ILogger logger, string endPoint, int count);

        [LoggerMessage(6, LogLevel.Information, "Released {EndPoint}")]
        public static partial void Released(ILogger logger, string endPoint);
    }
}
