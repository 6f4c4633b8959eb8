using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Chat.Tests.Infrastructure;

/// <summary>
/// A raw TCP line client, as plain nc would be: writes bytes, collects every line received. Reading runs in the
/// background; waits look through everything received so far, then for new lines, always with a timeout.
/// </summary>
internal sealed class LineClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    private LineClient(Socket socket) => _socket = socket;

    /// <summary>True once the server closed the connection (EOF or reset).</summary>
    public bool IsClosed { get; private set; }

    public static async Task<LineClient> ConnectAsync(int port, int? receiveBuffer = null, bool read = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer is { } size)
        {
            // Set before connecting, so the advertised window stays small too.
            socket.ReceiveBufferSize = size;
        }

        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
        var client = new LineClient(socket);
        if (read)
        {
            client._reader = Task.Run(client.ReadLoopAsync);
        }

        return client;
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public Task SendLineAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task SendAsync(byte[] data)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(data, SocketFlags.None, timeout.Token);
    }

    /// <summary>Waits for a line (received before or after this call) matching <paramref name="match"/>; fails with what was seen.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan? timeout = null, string? what = null, int fromIndex = 0)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var index = fromIndex;
        while (true)
        {
            lock (_gate)
            {
                for (; index < _lines.Count; index++)
                {
                    if (match(_lines[index]))
                    {
                        return _lines[index];
                    }
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (IsClosed && _reader.IsCompleted && index >= Lines.Count))
            {
                throw new TimeoutException($"no line {what ?? "matching"} within {(timeout ?? DefaultTimeout).TotalSeconds} s (closed: {IsClosed}); last lines:\n  " + string.Join("\n  ", Lines.TakeLast(15)));
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public Task<string> WaitForContainsAsync(string text, TimeSpan? timeout = null) => WaitForAsync(l => l.Contains(text, StringComparison.Ordinal), timeout, $"containing \"{text}\"");

    /// <summary>Waits until the server has closed the connection.</summary>
    public async Task WaitClosedAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!IsClosed)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the server did not close the connection; last lines:\n  " + string.Join("\n  ", Lines.TakeLast(10)));
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
        await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var pending = new List<byte>();
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        var line = Encoding.UTF8.GetString([.. pending]).TrimEnd('\r');
                        pending.Clear();
                        lock (_gate)
                        {
                            _lines.Add(line);
                        }

                        _arrived.Release();
                    }
                    else
                    {
                        pending.Add(buffer[i]);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            IsClosed = true;
            _arrived.Release();
        }
    }
}
