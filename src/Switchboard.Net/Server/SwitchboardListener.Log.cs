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

        [LoggerMessage(4, LogLevel.Information, "Stopped listening on {EndPoint} (address released); {Count} connections stay open")]
        public static partial void StoppedListening(ILogger logger, string endPoint, int count);

        [LoggerMessage(7, LogLevel.Debug, "TLS handshake with {Peer} failed: {Reason}")]
        public static partial void HandshakeFailed(ILogger logger, string peer, string reason);

        [LoggerMessage(9, LogLevel.Information, "Refused {Peer}: {Reason}")]
        public static partial void ClientCertificateRefused(ILogger logger, string peer, string reason);

        [LoggerMessage(8, LogLevel.Warning, "Closed {Peer} before its TLS handshake: {Limit} handshakes already in progress")]
        public static partial void HandshakeRefused(ILogger logger, string peer, int limit);

        [LoggerMessage(9, LogLevel.Warning, "Refusing new connections: {InUse} accepted sockets use the descriptors this process can spare under its limit of {Limit} (ulimit -n); open connections are not affected")]
        public static partial void DescriptorsExhausted(ILogger logger, long inUse, long limit);

        [LoggerMessage(10, LogLevel.Information, "Descriptors free again: accepting new connections")]
        public static partial void DescriptorsAvailable(ILogger logger);

        [LoggerMessage(11, LogLevel.Warning, "The descriptor limit (ulimit -n {Limit}) leaves room for {Capacity} connections, fewer than the {MaxConnections} allowed; newcomers beyond are refused. Raise it (LimitNOFILE= in a systemd unit) to serve more")]
        public static partial void DescriptorLimitLow(ILogger logger, long limit, long capacity, int maxConnections);
    }
}
