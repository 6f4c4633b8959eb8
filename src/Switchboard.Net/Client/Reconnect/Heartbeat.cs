namespace Switchboard.Net;

/// <summary>
/// Sends a ping when a connection has received nothing for a while and aborts it when the ping gets no answer:
/// TCP alone can take many minutes to notice a peer that vanished without a FIN.
/// </summary>
internal sealed class Heartbeat : IDisposable
{
    private readonly SwitchboardConnection _connection;
    private readonly TimeSpan _interval;
    private readonly ReconnectOptions _options;
    private readonly ITimer _timer;
    private long _lastReceived;
    private long _quietSince = Environment.TickCount64;
    private long _pingSentAt;

    public Heartbeat(SwitchboardConnection connection, TimeSpan interval, ReconnectOptions options)
    {
        _connection = connection;
        _interval = interval;
        _options = options;
        var period = TimeSpan.FromMilliseconds(Math.Max(20, Math.Min(interval.TotalMilliseconds, options.HeartbeatTimeout.TotalMilliseconds) / 4));
        _timer = TimeProvider.System.CreateTimer(_ => Check(), null, period, period);
    }

    private void Check()
    {
        var now = Environment.TickCount64;
        var received = _connection.BytesReceived;
        if (received != _lastReceived)
        {
            _lastReceived = received;
            _quietSince = now;
            _pingSentAt = 0;
            return;
        }

        if (_pingSentAt != 0)
        {
            if (now - _pingSentAt >= _options.HeartbeatTimeout.TotalMilliseconds)
            {
                _connection.Abort($"heartbeat: no answer within {_options.HeartbeatTimeout.TotalSeconds:0.###} s");
            }

            return;
        }

        if (now - _quietSince >= _interval.TotalMilliseconds)
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
