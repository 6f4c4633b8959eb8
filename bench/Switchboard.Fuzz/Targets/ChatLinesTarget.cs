using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Chat;
using Switchboard.Fuzz.Engine;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// Chat command lines (text and JSON mode) against a real in-process chat server on 127.0.0.1, port 0, over a few
/// TCP connections: generated commands with hostile arguments (numbers at their limits, ids, room and nick names,
/// invalid UTF-8, NUL, over-long lines). Nothing may make a handler fail (the listener logs that as an error), no
/// connection may close without the server saying why (the reply to /quit, a kick or ban, a line over the limit), and after the
/// run a fresh client still gets a welcome and a pong.
/// </summary>
internal sealed class ChatLinesTarget : IFuzzTarget
{
    private const int Connections = 4;
    private const int Batch = 32;
    private const string Secret = "fuzz-operator-secret";

    private static readonly string[] s_commands =
        ["say", "me", "msg", "history", "join", "part", "rooms", "who", "topic", "kick", "ban", "unban", "announce", "nick", "mode", "oper", "ping", "help", "HISTORY", "Join", "nosuch", ""];

    // What the server says before it closes a connection on purpose, in text ("*** bye", "ERR kicked ...") and JSON.
    private static readonly string[] s_explained = ["*** bye", "\"text\":\"bye\"", "ERR kicked", "\"code\":\"kicked\"", "ERR line-too-long", "\"code\":\"line-too-long\""];

    private static readonly string[] s_numbers =
        ["0", "1", "-1", "10000", "10001", "2147483647", "2147483648", "-2147483648", "9223372036854775807", "9223372036854775808", "1e3", "0x10", " 5", "\u0661\u0662", "NaN", "+3", "00000000000000000000001"];

    private readonly ErrorLog _errors = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "switchboard-fuzz-" + Guid.NewGuid().ToString("N"));
    private ChatServer? _server;
    private int _port;
    private readonly Peer?[] _peers = new Peer?[Connections];
    private readonly List<byte>[] _pending = [.. Enumerable.Range(0, Connections).Select(_ => new List<byte>())];
    private long _cases;
    private long _closers;
    private long _connects;

    // The closing lines counted when connection k's last peer went: lines queued after that may end the next one.
    private readonly long[] _closersMark = new long[Connections];
    private int _maxLine;

    public string Name => "chat-lines";

    public string Summary => "chat server command lines over TCP (text and /mode json), a real ChatServer in-process";

    public void Run(Rng rng, FuzzCase current)
    {
        Start();
        var k = (int)(_cases++ % Connections);
        var line = Line(rng);
        var pending = _pending[k];
        pending.AddRange(line);
        current.Input = [.. pending];
        current.Settings = $"connection {k}, the lines sent on it since the last check";
        var text = Encoding.UTF8.GetString(line);
        if (text.Contains("/quit", StringComparison.OrdinalIgnoreCase) || text.Contains("/kick", StringComparison.OrdinalIgnoreCase)
            || text.Contains("/ban", StringComparison.OrdinalIgnoreCase) || line.Length > _maxLine)
        {
            _closers++;
        }
        if (pending.Count < Batch * 24 && _cases % Batch != 0)
        {
            return;
        }

        for (var i = 0; i < Connections; i++)
        {
            Flush(i, current);
        }

        _errors.ThrowIfAny();
    }

    public void Dispose()
    {
        try
        {
            if (_server is not null)
            {
                foreach (var peer in _peers)
                {
                    peer?.Dispose();
                }

                Check();
                // How the run went: a run that mostly reconnects tests the welcome more than the commands.
                Console.WriteLine($"chat-lines: {_connects} connections made, {_errors.Drops} dropped by the server as slow consumers");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                _server.StopAsync(timeout.Token).GetAwaiter().GetResult();
                _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                _errors.ThrowIfAny();
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>After the run the server must still serve a newcomer: a welcome, then a pong.</summary>
    private void Check()
    {
        using var peer = new Peer(_port);
        peer.Send("/ping\n"u8.ToArray());
        if (!peer.WaitFor("pong", TimeSpan.FromSeconds(30)))
        {
            throw new FuzzFailure($"after the run a new client got no pong; it received:\n{peer.Received}");
        }
    }

    private void Start()
    {
        if (_server is not null)
        {
            return;
        }

        Directory.CreateDirectory(_data);
        var options = new ChatServerOptions
        {
            Host = "127.0.0.1",
            Port = 0,
            DataDirectory = _data,
            Durability = StoreDurability.Normal,
            OperatorSecret = Secret,
            // The fuzzer is one address sending as fast as it can: the limits that would stop it are not what is tested here.
            RateLimitPerSecond = 1e9,
            RateLimitBurst = int.MaxValue,
            MaxInvalidLines = int.MaxValue,
            LineTimeout = TimeSpan.FromMinutes(10),
        };
        _maxLine = options.MaxLineLength;
        _server = new ChatServer(options, LoggerFactory.Create(b => b.AddProvider(_errors).SetMinimumLevel(LogLevel.Warning)));
        _server.StartAsync().GetAwaiter().GetResult();
        _port = ((IPEndPoint)_server.Listeners[0].BoundEndPoint).Port;
    }

    private void Flush(int k, FuzzCase current)
    {
        if (_peers[k] is null)
        {
            _connects++;
        }

        var peer = _peers[k] ??= new Peer(_port, _closersMark[k], _errors.Drops);
        if (_pending[k].Count > 0)
        {
            peer.Send([.. _pending[k]]);
            _pending[k].Clear();
        }

        if (peer.Closed)
        {
            // The server says why before it closes (the reply to /quit, a kick or ban, a line over the limit), in
            // text or JSON; the input that caused it may be several batches back, as the server lags behind.
            // Messages queued before the reason may still follow it, so all that arrived counts (a connection is told once).
            var received = peer.Received;
            // A write racing the close makes the server answer with a reset, and the kernel then drops what was
            // still unread, the reason included: then a line that can close connections must have been sent since.
            var explained = s_explained.Any(e => received.Contains(e, StringComparison.Ordinal))
                || (peer.Reset && _closers > peer.ClosersAtConnect)
                // A reader that fell 1 MiB behind (this fuzzer's, on a loaded machine) is dropped as a slow consumer
                // without a word, by design; the server logs it as a warning.
                || _errors.Drops > peer.DropsAtConnect;
            if (!explained)
            {
                throw new FuzzFailure($"the server closed connection {k} without saying why; it last received:\n{peer.Tail}");
            }

            peer.Dispose();
            _peers[k] = null;
            _closersMark[k] = _closers;
        }
    }

    private byte[] Line(Rng rng)
    {
        var builder = new StringBuilder();
        switch (rng.Below(10))
        {
            case 0:
                builder.Append(Text.Valid(rng, 60));
                break;
            case 1:
                builder.Append("//").Append(Text.Valid(rng, 20));
                break;
            default:
                // /quit rarely: each one ends a session, and long sessions are what reach the other commands.
                var name = rng.Chance(1) ? "quit" : rng.Pick(s_commands);
                builder.Append('/').Append(name);
                for (var i = rng.Below(4); i > 0; i--)
                {
                    builder.Append(rng.Pick<string>([" ", " ", "  ", "\t"])).Append(Argument(rng, name));
                }

                break;
        }

        var text = builder.ToString().Replace("\n", " ", StringComparison.Ordinal);
        if (IsLoopbackBan(text))
        {
            text = "/ping";
        }

        var bytes = Encoding.UTF8.GetBytes(text).ToList();
        if (rng.Chance(10))
        {
            bytes = [.. Mutator.Mutate(rng, [.. bytes], Mutator.Boundaries(_maxLine))];
            bytes.RemoveAll(b => b == (byte)'\n');
        }

        if (rng.Chance(1))
        {
            bytes.AddRange(Enumerable.Repeat((byte)'y', rng.Pick<int>([_maxLine - bytes.Count - 1, _maxLine - bytes.Count, _maxLine - bytes.Count + 1, _maxLine * 2])));
        }

        if (IsLoopbackBan(Encoding.UTF8.GetString([.. bytes])))
        {
            bytes = [.. "/ping"u8];
        }

        bytes.AddRange(rng.Chance(30) ? "\r\n"u8 : "\n"u8);
        return [.. bytes];
    }

    // Banning 127.0.0.1 would lock the fuzzer out of its own server: a real outcome, but the end of the run.
    private static bool IsLoopbackBan(string line)
        => line.Contains("ban", StringComparison.OrdinalIgnoreCase) && (line.Contains("127.", StringComparison.Ordinal) || line.Contains("::", StringComparison.Ordinal) || line.Contains("localhost", StringComparison.OrdinalIgnoreCase));

    private static string Argument(Rng rng, string command) => rng.Below(8) switch
    {
        0 => rng.Pick(s_numbers),
        1 => "since=" + rng.Pick(s_numbers),
        2 => "#" + Text.Valid(rng, 12),
        3 => command.Equals("oper", StringComparison.OrdinalIgnoreCase) && rng.Chance(50) ? Secret : Text.Valid(rng, 8),
        4 => rng.Pick<string>(["guest1", "guest2", "lobby", "text", "json", "JSON", "aIice", "alice", "10.0.0.1", "*", "-", "@web"]),
        5 => new string('n', rng.Pick<int>([31, 32, 33, 64, 300])),
        _ => Text.Valid(rng, 30),
    };

    /// <summary>One raw TCP client: writes what it is given, and a background read keeps the last lines and notices the close.</summary>
    private sealed class Peer : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly StringBuilder _received = new();
        private readonly Task _reading;

        public Peer(int port, long closers = 0, long drops = 0)
        {
            ClosersAtConnect = closers;
            DropsAtConnect = drops;
            _socket.Connect(IPAddress.Loopback, port);
            _reading = Task.Run(ReadAsync);
        }

        public bool Closed { get; private set; }

        /// <summary>The connection ended with a reset (or a failed write), not a clean close.</summary>
        public bool Reset { get; private set; }

        public long ClosersAtConnect { get; }

        public long DropsAtConnect { get; }

        public string Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToString();
                }
            }
        }

        public string Tail => Received is { Length: > 2000 } all ? all[^2000..] : Received;

        public void Send(byte[] bytes)
        {
            try
            {
                _socket.Send(bytes);
            }
            catch (SocketException)
            {
                Reset = true;
                Closed = true;
            }
        }

        public bool WaitFor(string text, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                if (Received.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }

                Thread.Sleep(20);
            }

            return false;
        }

        public void Dispose()
        {
            _socket.Dispose();
            _reading.Wait(TimeSpan.FromSeconds(10));
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var n = await _socket.ReceiveAsync(buffer);
                    if (n == 0)
                    {
                        break;
                    }

                    lock (_received)
                    {
                        _received.Append(Encoding.UTF8.GetString(buffer, 0, n));
                        if (_received.Length > 64 * 1024)
                        {
                            _received.Remove(0, _received.Length - 16 * 1024);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Reset = true;
            }

            Closed = true;
        }
    }

    /// <summary>Collects what the server logs at Error or above (a handler that failed on an input), and counts its drops.</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        private readonly List<string> _errors = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        private long _drops;

        /// <summary>Connections the server dropped (slow consumers), from its warning "Dropped {Connection}: {Reason}".</summary>
        public long Drops => Interlocked.Read(ref _drops);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && eventId.Id == 7)
            {
                Interlocked.Increment(ref _drops);
            }

            if (logLevel >= LogLevel.Error)
            {
                lock (_errors)
                {
                    _errors.Add($"{logLevel} {eventId}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
                }
            }
        }

        public void ThrowIfAny()
        {
            lock (_errors)
            {
                if (_errors.Count > 0)
                {
                    var all = string.Join("\n", _errors);
                    _errors.Clear();
                    throw new FuzzFailure("the server logged an error:\n" + all);
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
