using System.Net;
using System.Net.Sockets;

namespace Switchboard.Cli.Tests.Fortune;

/// <summary>A misbehaving fortune server on 127.0.0.1 port 0: sends fixed bytes to each connection, then closes.</summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
    private readonly Task _acceptLoop;

    /// <param name="reply">Bytes to send; null to accept and stay silent until the test ends.</param>
    public FakeServer(byte[]? reply)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _acceptLoop = reply is null ? Task.CompletedTask : AcceptLoopAsync(reply);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

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

    private async Task AcceptLoopAsync(byte[] reply)
    {
        while (!_stop.IsCancellationRequested)
        {
            using Socket client = await _listener.AcceptAsync(_stop.Token);
            await client.SendAsync(reply, SocketFlags.None, _stop.Token);
            client.Shutdown(SocketShutdown.Send);
        }
    }
}
