using Microsoft.Extensions.Logging;
using Switchboard.Net;

namespace Switchboard.Chat;

public sealed partial class ChatServer
{
    /// <summary>The server's console log: the Qt server window. Event ids are fixed so logs can be filtered.</summary>
    internal static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Connected #{Id} {Transport} from {Peer} as {Nick}")]
        public static partial void Connected(ILogger logger, long id, TransportKind transport, string peer, string nick);

        [LoggerMessage(2, LogLevel.Information, "Disconnected #{Id} {Peer} ({Nick}): {Reason}")]
        public static partial void Disconnected(ILogger logger, long id, string peer, string nick, string reason);

        [LoggerMessage(3, LogLevel.Information, "Nick #{Id}: {Old} is now {New}")]
        public static partial void NickChanged(ILogger logger, long id, string old, string @new);

        [LoggerMessage(4, LogLevel.Information, "{Session} joined #{Room}")]
        public static partial void Joined(ILogger logger, string session, string room);

        [LoggerMessage(5, LogLevel.Warning, "Rejected input from {Session}: {Code}")]
        public static partial void InputRejected(ILogger logger, string session, string code);

        [LoggerMessage(6, LogLevel.Warning, "Refused {Connection}: {Code}")]
        public static partial void Refused(ILogger logger, string connection, string code);

        [LoggerMessage(7, LogLevel.Warning, "Dropped {Connection}: {Reason}")]
        public static partial void SlowConsumer(ILogger logger, string connection, string reason);

        [LoggerMessage(8, LogLevel.Debug, "Command rejected for {Session}: {Code}")]
        public static partial void CommandRejected(ILogger logger, string session, string code);

        // Logged at the 1st, 2nd, 4th, 8th... failure from an address, so a guesser cannot flood the log.
        [LoggerMessage(9, LogLevel.Warning, "Failed /oper attempt by {Session}: {Failures} in a row from its address; next attempt checked in {RetryAfter}")]
        public static partial void OperFailed(ILogger logger, string session, int failures, string retryAfter);

        [LoggerMessage(10, LogLevel.Information, "{Session} is now an operator")]
        public static partial void OperGranted(ILogger logger, string session);

        [LoggerMessage(11, LogLevel.Warning, "{Session} kicked by {By}: {Reason}")]
        public static partial void Kicked(ILogger logger, string session, string by, string reason);

        [LoggerMessage(12, LogLevel.Warning, "Ban on {Kind} {Value} by {By}: {Reason}")]
        public static partial void Banned(ILogger logger, string kind, string value, string by, string reason);

        [LoggerMessage(13, LogLevel.Information, "Store {Path} opened; last message id {LastId}")]
        public static partial void StoreOpened(ILogger logger, string path, long lastId);

        [LoggerMessage(14, LogLevel.Information, "Chat server stopped; store flushed at message id {LastId}")]
        public static partial void Stopped(ILogger logger, long lastId);

        [LoggerMessage(15, LogLevel.Error, "An event observer failed")]
        public static partial void ObserverFailed(ILogger logger, Exception exception);

        [LoggerMessage(16, LogLevel.Information, "Listener {Listener} stopped by {By}; {Sessions} sessions on it carry on")]
        public static partial void ListenerStopped(ILogger logger, string listener, string by, int sessions);

        [LoggerMessage(17, LogLevel.Information, "Listener {Listener} started by {By}")]
        public static partial void ListenerStarted(ILogger logger, string listener, string by);
    }
}
