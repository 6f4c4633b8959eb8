using System.Runtime.InteropServices;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>
/// One client's running totals, written only by that client and read by the progress display. Padded to a cache
/// line of its own on each side so clients on different cores do not false-share.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct ClientTotals
{
    [FieldOffset(64)] public long Messages;
    [FieldOffset(72)] public long Bytes;
}

/// <summary>The totals of every client of a run, for progress and for the measured window.</summary>
internal sealed class BenchCounters
{
    private readonly ClientTotals[] _clients;

    public BenchCounters(int clients) => _clients = new ClientTotals[clients];

    public ref ClientTotals this[int client] => ref _clients[client];

    public (long Messages, long Bytes) Snapshot()
    {
        long messages = 0, bytes = 0;
        for (var i = 0; i < _clients.Length; i++)
        {
            messages += Volatile.Read(ref _clients[i].Messages);
            bytes += Volatile.Read(ref _clients[i].Bytes);
        }

        return (messages, bytes);
    }
}
