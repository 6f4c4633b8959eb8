using System.Runtime.CompilerServices;
using System.Text;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// Reads stdin a line at a time and turns each line into the bytes to send: the line and its ending, or, with
/// --hex, the bytes the hex digits spell. A line that is not hex is reported and skipped, never sent.
/// </summary>
internal static class StdinMessages
{
    public static async IAsyncEnumerable<byte[]> ReadAsync(bool hex, string lineEnding, Action<string> reportBadLine, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        while (await stdin.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!hex)
            {
                yield return Encoding.UTF8.GetBytes(line + lineEnding);
            }
            else if (HexFormat.TryParse(line, out var bytes, out var error))
            {
                yield return bytes;
            }
            else
            {
                reportBadLine(error!);
            }
        }
    }
}
