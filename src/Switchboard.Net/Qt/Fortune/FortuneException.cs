namespace Switchboard.Net.Qt.Fortune;

/// <summary>No fortune could be read; <see cref="Error"/> says why and the message says it for people.</summary>
public sealed class FortuneException : IOException
{
    /// <summary>Creates the exception.</summary>
    public FortuneException(FortuneError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    /// <summary>The kind of failure.</summary>
    public FortuneError Error { get; }
}
