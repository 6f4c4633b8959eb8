using System.Net;
using System.Net.Sockets;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary>A misbehaving fortune server on 127.0.0.1 port 0: sends fixed bytes to each connection, then closes.</summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
    private readonly Task _acceptLoop;

    private int _served;

    /// <param name="reply">Bytes to send; null to accept and stay silent until the test ends.</param>
    public FakeServer(byte[]? reply)
        : this(reply is null ? [] : [reply])
    {
    }

    /// <param name="replies">Bytes to send, one entry per connection in turn (the last one repeats); none to stay silent.</param>
    public FakeServer(IReadOnlyList<byte[]> replies)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _acceptLoop = replies.Count == 0 ? Task.CompletedTask : AcceptLoopAsync(replies);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Connections answered so far.</summary>
    public int Served => Volatile.Read(ref _served);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(IReadOnlyList<byte[]> replies)
    {
        while (!_stop.IsCancellationRequested)
        {
            using Socket client = await _listener.AcceptAsync(_stop.Token);
            await client.SendAsync(replies[Math.Min(Served, replies.Count - 1)], SocketFlags.None, _stop.Token);
            client.Shutdown(SocketShutdown.Send);
            Interlocked.Increment(ref _served);
        }
    }
}
