using Switchboard.Net;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Samples.ThreadedFortune;

/// <summary>
/// Qt's blockingfortuneclient's FortuneThread::run: connect, wait for the connection, then wait for data until
/// a whole QString has arrived (Qt's QDataStream transaction is <see cref="SwitchboardConnection.TryReadMessage{T}"/>).
/// </summary>
internal static class BlockingFortuneClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string host, int port)
    {
        var codec = FortuneCodecs.Create(FortuneFraming.Qt5);
        await using var connection = SwitchboardConnection.CreateClient(new ClientOptions { ConnectTimeout = Timeout });
        string? error = null;
        connection.ErrorOccurred += (_, e) => error ??= e.Message;

        connection.ConnectToHost(host, port);
        if (!connection.WaitForConnected(Timeout))
        {
            return Fail(error ?? "connect timed out");
        }

        string fortune;
        do
        {
            if (!connection.WaitForReadyRead(Timeout))
            {
                return Fail(error ?? "the server sent no whole fortune");
            }
        }
        while (!connection.TryReadMessage(codec, out fortune));

        Console.WriteLine(fortune);
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"fortune client: {message}");
        return 1;
    }
}
