using Switchboard.Net.Framing;

namespace Switchboard.Net.Qt;

/// <summary>
/// The bytes are not a valid QDataStream encoding (for example a QString with an odd byte length),
/// or do not match the framing that was expected. Waiting for more data cannot fix it, and the stream cannot be
/// resynchronised (<see cref="FramingException.IsRecoverable"/> is false).
/// </summary>
public class QDataStreamException : FramingException
{
    /// <summary>Creates the exception with a message.</summary>
    public QDataStreamException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public QDataStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public QDataStreamException()
        : base("Malformed QDataStream data.")
    {
    }
}
