using System.Buffers;

namespace Switchboard.Net;

/// <summary>What went wrong on a connection, as QAbstractSocket::SocketError, for <see cref="SwitchboardConnection.ErrorOccurred"/>.</summary>
public enum ConnectionErrorKind
{
    /// <summary>The connection could not be made; <see cref="ConnectionErrorEventArgs.ConnectError"/> says why.</summary>
    ConnectFailed,

    /// <summary>The peer reset the connection (RST) instead of closing it.</summary>
    Reset,

    /// <summary>The peer sent bytes that are not a valid message of the reader's framing.</summary>
    Framing,

    /// <summary>Sending failed: the peer is gone or the network is down. What was queued is lost.</summary>
    SendFailed,

    /// <summary>A <see cref="SwitchboardConnection.DataReceived"/> or message handler threw; the connection is aborted.</summary>
    HandlerFailed,

    /// <summary>Any other failure of the transport.</summary>
    Network,
}

/// <summary>Arguments of <see cref="SwitchboardConnection.ErrorOccurred"/>.</summary>
public sealed class ConnectionErrorEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public ConnectionErrorEventArgs(ConnectionErrorKind kind, string message, Exception? exception)
    {
        Kind = kind;
        Message = message;
        Exception = exception;
        ConnectError = (exception as ConnectException)?.Error;
    }

    /// <summary>The kind of error.</summary>
    public ConnectionErrorKind Kind { get; }

    /// <summary>The error in words, for people.</summary>
    public string Message { get; }

    /// <summary>The exception behind it, if any.</summary>
    public Exception? Exception { get; }

    /// <summary>Why a connect failed, when <see cref="Kind"/> is <see cref="ConnectionErrorKind.ConnectFailed"/>.</summary>
    public ConnectError? ConnectError { get; }
}

/// <summary>Arguments of <see cref="SwitchboardConnection.Disconnected"/>.</summary>
/// <param name="Reason">Why the connection ended ("closed by peer", "idle timeout: ...", a send failure).</param>
public sealed record DisconnectedEventArgs(string Reason);

/// <summary>Arguments of <see cref="SwitchboardConnection.BytesWritten"/>.</summary>
/// <param name="Count">Bytes just handed to the socket (to TLS, on a TLS connection).</param>
/// <param name="QueuedBytes">Bytes still waiting in the send buffer after them.</param>
public sealed record BytesWrittenEventArgs(long Count, long QueuedBytes);

/// <summary>
/// Arguments of <see cref="SwitchboardConnection.DataReceived"/>: the bytes received and not yet consumed, as
/// QIODevice::readyRead leaves them in the socket's buffer. <see cref="Data"/> is valid only during the handler.
/// </summary>
public sealed class DataReceivedEventArgs : EventArgs
{
    private long _consumed;

    internal DataReceivedEventArgs(ReadOnlySequence<byte> data)
    {
        Data = data;
        _consumed = data.Length;
    }

    /// <summary>Every byte received and not yet consumed, oldest first. Do not keep it past the handler.</summary>
    public ReadOnlySequence<byte> Data { get; }

    /// <summary>
    /// How many bytes of <see cref="Data"/> the handler used: all of them unless it says otherwise. The rest stays
    /// at the front of the next event's <see cref="Data"/>, which is raised when more bytes arrive (a handler
    /// that waits for a whole message consumes 0 until it has one).
    /// </summary>
    public long ConsumedBytes
    {
        get => _consumed;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Data.Length);
            _consumed = value;
        }
    }
}

/// <summary>Arguments of the message handler given to <see cref="SwitchboardConnection.StartReading{T}"/>.</summary>
/// <typeparam name="T">The message type of the reader.</typeparam>
/// <param name="Message">The message. One that refers to the input (a line reader's bytes) is valid only during the handler.</param>
public sealed record MessageReceivedEventArgs<T>(T Message);
