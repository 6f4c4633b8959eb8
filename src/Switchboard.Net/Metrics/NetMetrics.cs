using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Switchboard.Net;

/// <summary>
/// The instruments of <see cref="NetMeter"/>. Bytes and messages are not counted twice: the connections already
/// count them, and the observable instruments read those counts when a collector asks (plus what the connections
/// that ended had counted), so the send and receive paths pay nothing for metrics. Only rare events (an accept, a
/// refusal, a drop) touch an instrument directly.
/// </summary>
internal static class NetMetrics
{
    private static readonly Meter s_meter = new(NetMeter.Name, typeof(NetMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> s_accepted = s_meter.CreateCounter<long>("switchboard.net.connections.accepted", "{connection}", "Connections accepted and handed to the handler");
    private static readonly Counter<long> s_refused = s_meter.CreateCounter<long>("switchboard.net.connections.refused", "{connection}", "Connections closed without being served, by reason");
    private static readonly Counter<long> s_drops = s_meter.CreateCounter<long>("switchboard.net.slow_consumer.drops", "{connection}", "Connections cut off because the peer was not reading, by reason");

    // The connections being served, with their listener's tags; ended ones fold into s_ended. The fold and the
    // observation take s_gate, so a connection is counted exactly once and the counters never step back.
    private static readonly ConcurrentDictionary<SwitchboardConnection, ListenerMetricTags> s_live = new();
    private static readonly Dictionary<ListenerMetricTags, Totals> s_ended = [];
    private static readonly Lock s_gate = new();

    static NetMetrics()
    {
        s_meter.CreateObservableGauge("switchboard.net.connections", ObserveOpen, "{connection}", "Connections open now");
        s_meter.CreateObservableCounter("switchboard.net.io", () => Observe(static t => (t.BytesReceived, t.BytesSent)), "By", "Bytes received and sent");
        s_meter.CreateObservableCounter("switchboard.net.messages", () => Observe(static t => (t.MessagesReceived, t.MessagesSent)), "{message}", "Messages read through framed readers, and send calls accepted");
    }

    public static void Accepted(SwitchboardConnection connection, ListenerMetricTags tags)
    {
        s_live[connection] = tags;
        s_accepted.Add(1, tags.Transport, tags.EndPoint);
    }

    public static void Ended(SwitchboardConnection connection)
    {
        lock (s_gate)
        {
            if (s_live.TryRemove(connection, out var tags))
            {
                ref var totals = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(s_ended, tags, out _);
                totals.Add(Totals.Of(connection));
            }
        }
    }

    public static void Refused(ListenerMetricTags tags, string reason)
        => s_refused.Add(1, tags.Transport, tags.EndPoint, new("reason", reason));

    public static void Dropped(SwitchboardConnection connection, string reason)
    {
        if (!s_drops.Enabled)
        {
            return;
        }

        if (s_live.TryGetValue(connection, out var tags))
        {
            s_drops.Add(1, tags.Transport, tags.EndPoint, new("reason", reason));
        }
        else
        {
            s_drops.Add(1, new KeyValuePair<string, object?>("transport", connection.TransportKind.ToString().ToLowerInvariant()), new("reason", reason));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveOpen()
    {
        var open = new Dictionary<ListenerMetricTags, long>();
        foreach (var (_, tags) in s_live)
        {
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(open, tags, out _)++;
        }

        lock (s_gate)
        {
            // A listener whose connections all ended reads 0, not nothing: a gauge that vanishes keeps its last value on some backends.
            foreach (var tags in s_ended.Keys)
            {
                open.TryAdd(tags, 0);
            }
        }

        return [.. open.Select(p => new Measurement<long>(p.Value, p.Key.Both))];
    }

    private static List<Measurement<long>> Observe(Func<Totals, (long Received, long Sent)> pick)
    {
        Dictionary<ListenerMetricTags, Totals> sums;
        lock (s_gate)
        {
            sums = new Dictionary<ListenerMetricTags, Totals>(s_ended);
            foreach (var (connection, tags) in s_live)
            {
                ref var totals = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, tags, out _);
                totals.Add(Totals.Of(connection));
            }
        }

        var measurements = new List<Measurement<long>>(sums.Count * 2);
        foreach (var (tags, totals) in sums)
        {
            var (received, sent) = pick(totals);
            measurements.Add(new(received, tags.Received));
            measurements.Add(new(sent, tags.Sent));
        }

        return measurements;
    }

    private struct Totals
    {
        public long BytesReceived;
        public long BytesSent;
        public long MessagesReceived;
        public long MessagesSent;

        public static Totals Of(SwitchboardConnection c) => new()
        {
            BytesReceived = c.BytesReceived,
            BytesSent = c.BytesSent,
            MessagesReceived = c.MessagesReceived,
            MessagesSent = c.MessagesSent,
        };

        public void Add(in Totals other)
        {
            BytesReceived += other.BytesReceived;
            BytesSent += other.BytesSent;
            MessagesReceived += other.MessagesReceived;
            MessagesSent += other.MessagesSent;
        }
    }
}
