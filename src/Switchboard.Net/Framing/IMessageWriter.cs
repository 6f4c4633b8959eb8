using System.Buffers;

namespace Switchboard.Net.Framing;

/// <summary>Serializes one message, with its framing, into a buffer writer.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IMessageWriter<in T>
{
    /// <summary>Writes <paramref name="message"/> with its framing to <paramref name="output"/>.</summary>
    /// <exception cref="FramingException">The message cannot be framed (for example it is too large).</exception>
    void WriteMessage(T message, IBufferWriter<byte> output);
}
