namespace Switchboard.Net.Qt;

/// <summary>
/// A length prefix announces more bytes than the reader's maximum. It is thrown as soon as the prefix is read,
/// without waiting for the announced bytes, so a hostile or mismatched peer cannot make the reader buffer them.
/// </summary>
public sealed class QDataStreamSizeLimitException : QDataStreamException
{
    /// <summary>Creates the exception for an announced size and the limit it exceeds.</summary>
    public QDataStreamSizeLimitException(long announcedSize, long maxSize)
        : base($"The data announces {announcedSize} bytes, more than the maximum of {maxSize}.")
    {
        AnnouncedSize = announcedSize;
        MaxSize = maxSize;
    }

    /// <summary>The size the length prefix announced, in bytes.</summary>
    public long AnnouncedSize { get; }

    /// <summary>The maximum that was exceeded, in bytes.</summary>
    public long MaxSize { get; }
}
