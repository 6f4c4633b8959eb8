using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchboard.Chat.Storage;
using Switchboard.Net;

namespace Switchboard.Chat;

/// <summary>
/// One chat server's instruments (see <see cref="ChatMeter"/>). The gauges read the server's state when a collector
/// asks; only a commit (once per group, not per message) and a rate-limited line touch an instrument directly.
/// </summary>
internal sealed class ChatMetrics : IDisposable
{
    private readonly Meter _meter = new(ChatMeter.Name);
    private readonly Counter<long> _messages;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _commitDuration;
    private GroupCommitWriter? _writer;

    public ChatMetrics(ChatServer server)
    {
        _messages = _meter.CreateCounter<long>("switchboard.chat.messages", "{message}", "Messages committed by this node");
        _rateLimited = _meter.CreateCounter<long>("switchboard.chat.rate_limited", "{line}", "Lines dropped by the per-connection rate limit");
        _commitDuration = _meter.CreateHistogram<double>("switchboard.chat.store.commit.duration", "s", "Time to commit one group of operations in one transaction",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _meter.CreateObservableGauge("switchboard.chat.connections", () => server.Listeners.Sum(l => l.Connections), "{connection}", "Connections open now, over every listener");
        _meter.CreateObservableGauge("switchboard.chat.listeners", () => server.Listeners.Count(l => l.State == ListenerState.Listening), "{listener}", "Listeners accepting connections");
        _meter.CreateObservableGauge("switchboard.chat.users", () => server.AllSessions.Count(), "{user}", "Users signed in on this node");
        _meter.CreateObservableGauge("switchboard.chat.members", () => server.Rooms.Snapshot().Sum(r => r.Count), "{member}", "Room memberships now, summed over rooms");
        _meter.CreateObservableGauge("switchboard.chat.rooms", () => server.Rooms.Count, "{room}", "Rooms that exist now");
        _meter.CreateObservableGauge("switchboard.chat.store.queue", () => Volatile.Read(ref _writer)?.QueueDepth ?? 0, "{operation}", "Operations waiting for the next group commit");
        _meter.CreateObservableCounter("switchboard.chat.store.commits", () => Volatile.Read(ref _writer)?.Batches ?? 0, "{commit}", "Group commits written to the store");
        _meter.CreateObservableCounter("switchboard.chat.store.operations", () => Volatile.Read(ref _writer)?.Operations ?? 0, "{operation}", "Store operations committed");
        _meter.CreateObservableGauge("switchboard.chat.store.last_message_id", () => server.LastMessageId, "{message}", "Id of the newest committed message");
    }

    /// <summary>The meter, for tests that listen to this server only.</summary>
    public Meter Meter => _meter;

    /// <summary>The store's writer, whose queue and commits the gauges read.</summary>
    public void Attach(GroupCommitWriter writer) => Volatile.Write(ref _writer, writer);

    /// <summary>One group commit done: how long its transaction took, and how many messages it held.</summary>
    public void Committed(long startTimestamp, int messages)
    {
        _commitDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
        if (messages > 0)
        {
            _messages.Add(messages);
        }
    }

    public void RateLimited() => _rateLimited.Add(1);

    public void Dispose() => _meter.Dispose();
}
