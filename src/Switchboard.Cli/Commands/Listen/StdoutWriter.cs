using System.Text;

namespace Switchboard.Cli.Commands.Listen;

/// <summary>Serializes writes to stdout from many connections so lines never interleave.</summary>
internal sealed class StdoutWriter
{
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly Lock _gate = new();

    public void WriteText(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            _stdout.Write(bytes);
            _stdout.Flush();
        }
    }
}
