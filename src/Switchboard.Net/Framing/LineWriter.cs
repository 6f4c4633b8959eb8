using System.Buffers;
using System.Text;

namespace Switchboard.Net.Framing;

/// <summary>Writes UTF-8 lines ended by LF, or CRLF when asked.</summary>
public sealed class LineWriter : IMessageWriter<string>, IMessageWriter<ReadOnlyMemory<byte>>
{
    /// <summary>A writer that ends lines with LF.</summary>
    public static LineWriter Lf { get; } = new(crlf: false);

    /// <summary>A writer that ends lines with CRLF.</summary>
    public static LineWriter Crlf { get; } = new(crlf: true);

    private readonly bool _crlf;

    /// <summary>Creates a line writer.</summary>
    public LineWriter(bool crlf = false) => _crlf = crlf;

    /// <inheritdoc />
    public void WriteMessage(string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureNoTerminator(message.AsSpan());
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(message.Length) + 2);
        var written = Encoding.UTF8.GetBytes(message, span);
        written += WriteTerminator(span[written..]);
        output.Advance(written);
    }

    /// <inheritdoc />
    public void WriteMessage(ReadOnlyMemory<byte> message, IBufferWriter<byte> output)
    {
        if (message.Span.IndexOf((byte)'\n') >= 0)
        {
            throw new FramingException("a line must not contain LF");
        }

        var span = output.GetSpan(message.Length + 2);
        message.Span.CopyTo(span);
        var written = message.Length + WriteTerminator(span[message.Length..]);
        output.Advance(written);
    }

    private int WriteTerminator(Span<byte> span)
    {
        if (_crlf)
        {
            span[0] = (byte)'\r';
            span[1] = (byte)'\n';
            return 2;
        }

        span[0] = (byte)'\n';
        return 1;
    }

    private static void EnsureNoTerminator(ReadOnlySpan<char> text)
    {
        if (text.Contains('\n'))
        {
            throw new FramingException("a line must not contain LF");
        }
    }
}
