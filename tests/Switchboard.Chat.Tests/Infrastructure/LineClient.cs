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

    /// <summary>
    /// Waits until <paramref name="tally"/> has counted <paramref name="count"/> matching lines. The tally remembers
    /// how far it looked, so a running count looks at each line once and copies nothing.
    /// </summary>
    public async Task WaitForTallyAsync(LineTally tally, int count, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_gate)
            {
                for (; tally.Index < _lines.Count; tally.Index++)
                {
                    if (tally.Match(_lines[tally.Index]))
                    {
                        tally.Count++;
                    }
                }
            }

            if (tally.Count >= count)
            {
                return;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (IsClosed && _reader.IsCompleted && tally.Index >= Lines.Count))
            {
                throw new TimeoutException($"{what}: {tally.Count} of {count} lines within {timeout.TotalSeconds} s (closed: {IsClosed})");
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
        // A line split over reads; whole lines in one read are decoded straight from the buffer. (Byte by byte, a
        // reader of a busy room spent its CPU here and fell behind on a loaded machine.)
        var pending = new MemoryStream();
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                var rest = buffer.AsSpan(0, n);
                for (var end = rest.IndexOf((byte)'\n'); end >= 0; end = rest.IndexOf((byte)'\n'))
                {
                    string line;
                    if (pending.Length == 0)
                    {
                        line = Encoding.UTF8.GetString(rest[..end]);
                    }
                    else
                    {
                        pending.Write(rest[..end]);
                        line = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length);
                        pending.SetLength(0);
                    }

                    lock (_gate)
                    {
                        _lines.Add(line.TrimEnd('\r'));
                    }

                    _arrived.Release();
                    rest = rest[(end + 1)..];
                }

                pending.Write(rest);
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

/// <summary>A running count of the lines of one client that match, for <see cref="LineClient.WaitForTallyAsync"/>.</summary>
internal sealed class LineTally(Func<string, bool> match)
{
    public Func<string, bool> Match { get; } = match;

    /// <summary>The next line to look at.</summary>
    public int Index { get; set; }

    /// <summary>Matches among the lines before <see cref="Index"/>.</summary>
    public int Count { get; set; }
}
