namespace Switchboard.Net;

/// <summary>
/// Sends a ping when a connection has been quiet in either direction for a while and aborts it when the ping gets
/// no answer. Quiet inbound: TCP alone can take many minutes to notice a peer that vanished without a FIN. Quiet
/// outbound: a peer with an idle timeout (the chat server's) closes a client that only listens, however much it
/// is sent. A connection busy both ways (someone typing in a lively room) is never pinged.
/// </summary>
internal sealed class Heartbeat : IDisposable
{
    private readonly SwitchboardConnection _connection;
    private readonly TimeSpan _interval;
    private readonly ReconnectOptions _options;
    private readonly ITimer _timer;
    private long _lastReceived;
    private long _lastSent;
    private long _receivedAt = Environment.TickCount64;
    private long _sentAt = Environment.TickCount64;
    private long _pingSentAt;

    public Heartbeat(SwitchboardConnection connection, TimeSpan interval, ReconnectOptions options)
    {
        _connection = connection;
        _interval = interval;
        _options = options;
        _lastReceived = connection.BytesReceived;
        _lastSent = connection.BytesSent;
        var period = TimeSpan.FromMilliseconds(Math.Max(20, Math.Min(interval.TotalMilliseconds, options.HeartbeatTimeout.TotalMilliseconds) / 4));
        _timer = TimeProvider.System.CreateTimer(_ => Check(), null, period, period);
    }

    private void Check()
    {
        var now = Environment.TickCount64;
        var sent = _connection.BytesSent;
        if (sent != _lastSent)
        {
            _lastSent = sent;
            _sentAt = now;
        }

        var received = _connection.BytesReceived;
        if (received != _lastReceived)
        {
            // Any bytes answer a ping: whatever the peer says proves it is there.
            _lastReceived = received;
            _receivedAt = now;
            _pingSentAt = 0;
        }

        if (_pingSentAt != 0)
        {
            if (now - _pingSentAt >= _options.HeartbeatTimeout.TotalMilliseconds)
            {
                _connection.Abort($"heartbeat: no answer within {_options.HeartbeatTimeout.TotalSeconds:0.###} s");
            }

            return;
        }

        if (now - Math.Min(_receivedAt, _sentAt) >= _interval.TotalMilliseconds)
        {
            _pingSentAt = now;
            try
            {
                _connection.TrySend(_options.HeartbeatMessage.Span);
            }
            catch (ConnectionClosedException)
            {
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
