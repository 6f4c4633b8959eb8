using System.Collections.Concurrent;

namespace Switchboard.Net;

/// <summary>
/// The tags of one listening endpoint, built once so that measuring allocates nothing per connection. One object
/// per (transport, endpoint): a listener that binds the same address again counts on in the same series.
/// </summary>
internal sealed class ListenerMetricTags
{
    private static readonly ConcurrentDictionary<(TransportKind, string), ListenerMetricTags> s_all = new();

    private ListenerMetricTags(TransportKind transport, string endPoint)
    {
        Transport = new("transport", transport.ToString().ToLowerInvariant());
        EndPoint = new("endpoint", endPoint);
        Both = [Transport, EndPoint];
        Received = [Transport, EndPoint, new("direction", "received")];
        Sent = [Transport, EndPoint, new("direction", "sent")];
    }

    public static ListenerMetricTags For(TransportKind transport, string endPoint)
        => s_all.GetOrAdd((transport, endPoint), static key => new ListenerMetricTags(key.Item1, key.Item2));

    public KeyValuePair<string, object?> Transport { get; }

    public KeyValuePair<string, object?> EndPoint { get; }

    public KeyValuePair<string, object?>[] Both { get; }

    public KeyValuePair<string, object?>[] Received { get; }

    public KeyValuePair<string, object?>[] Sent { get; }
}
