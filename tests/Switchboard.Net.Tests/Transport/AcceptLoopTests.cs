using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Switchboard.Net.Tests.Transport;

/// <summary>Accepting when the process is out of descriptors: back off, log once, keep going.</summary>
public sealed class AcceptLoopTests
{
    [Fact]
    public async Task Running_out_of_descriptors_backs_off_logs_once_and_accepts_again_when_they_are_back()
    {
        using var pairListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        pairListener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        pairListener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(pairListener.LocalEndPoint!);
        var real = await pairListener.AcceptAsync();

        // EMFILE five times, then a connection, then EMFILE again once, then a second connection, then closed.
        var script = new Queue<Func<Socket>>([
            Emfile, Emfile, Emfile, Emfile, Emfile,
            () => real,
            Emfile,
            () => real,
            () => throw new ObjectDisposedException("listen socket"),
        ]);
        var handed = new List<Socket>();
        var logger = new CountingLogger();
        var loop = new AcceptLoop(_ => ValueTask.FromResult(script.Dequeue()()), handed.Add, logger, "test");
        await loop.RunAsync(TestTimeout.Token()).Within();

        Assert.Equal(2, handed.Count);
        Assert.Empty(script);
        // One warning per episode of failures, not one per failed accept.
        Assert.Equal(2, logger.Warnings);
        real.Dispose();
    }

    private static Socket Emfile() => throw new SocketException((int)SocketError.TooManyOpenSockets);

    private sealed class CountingLogger : ILogger
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings++;
            }
        }
    }
}
