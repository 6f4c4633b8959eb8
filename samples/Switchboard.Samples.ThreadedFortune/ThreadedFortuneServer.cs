using System.Net;
using Switchboard.Net;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Samples.ThreadedFortune;

/// <summary>
/// Qt's threadedfortuneserver: each connection is served by a thread of its own (Qt's FortuneThread), which
/// writes one fortune, waits until it is written, and lets the connection close.
/// </summary>
internal static class ThreadedFortuneServer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly FortuneCodec Codec = FortuneCodecs.Create(FortuneFraming.Qt5);

    public static async Task<int> RunAsync(int port)
    {
        await using var server = await SwitchboardListener.StartAsync(ListenerOptions.Loopback(port), Handle);
        Console.WriteLine($"listening on {server.BoundEndPoint}");
        // As Qt's window stays open until it is closed: the server runs until its input ends.
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>Hands the connection to a new thread; the listener closes it when the thread is done.</summary>
    private static Task Handle(SwitchboardConnection connection, CancellationToken shutdown)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Serve(connection);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true, Name = $"fortune {connection.Id}" };
        thread.Start();
        return done.Task;
    }

    /// <summary>Qt's FortuneThread::run, blocking: write the fortune, wait for it to be written.</summary>
    private static void Serve(SwitchboardConnection connection)
    {
        var fortune = BuiltInFortunes.All[Random.Shared.Next(BuiltInFortunes.All.Count)];
        if (!connection.TrySend(Codec, fortune) || !connection.WaitForBytesWritten(Timeout))
        {
            Console.Error.WriteLine($"{SwitchboardConnection.DescribeEndPoint(connection.RemoteEndPoint)}: {connection.CloseReason ?? "the fortune was not written"}");
        }
    }
}
