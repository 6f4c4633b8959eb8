namespace Switchboard.Net.Framing;

/// <summary>The base of every framing error: the bytes on the wire do not form a valid message.</summary>
public class FramingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FramingException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public FramingException(string message, Exception inner) : base(message, inner) { }

    /// <summary>
    /// Whether the stream can still be read after this error. A recoverable error skipped exactly the bad message;
    /// after an unrecoverable one the framing is lost and the connection should be closed.
    /// </summary>
    public virtual bool IsRecoverable => false;
}

/// <summary>A message is larger than the framing's maximum size. The framing is lost.</summary>
public sealed class MessageTooLargeException : FramingException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(long maxSize)
        : base($"message exceeds the maximum size of {maxSize} bytes") => MaxSize = maxSize;

    /// <summary>The limit that was exceeded.</summary>
    public long MaxSize { get; }
}

/// <summary>
/// A whole message arrived but its content is invalid (for example a line that is not UTF-8).
/// The message was skipped; the next one can be read.
/// </summary>
public sealed class InvalidMessageException : FramingException
{
    /// <summary>Creates the exception.</summary>
    public InvalidMessageException(string message) : base(message) { }

    /// <inheritdoc />
    public override bool IsRecoverable => true;
}

/// <summary>The peer ended the stream in the middle of a message.</summary>
public sealed class IncompleteMessageException : FramingException
{
    /// <summary>Creates the exception.</summary>
    public IncompleteMessageException(long bufferedBytes)
        : base($"the peer closed the stream in the middle of a message ({bufferedBytes} bytes unfinished)")
        => BufferedBytes = bufferedBytes;

    /// <summary>How many bytes of the unfinished message had arrived.</summary>
    public long BufferedBytes { get; }
}
