using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Switchboard.Net.Tests.Metrics;

/// <summary>
/// Listens to the Switchboard.Net meter and keeps only the measurements of one endpoint, so that tests running in
/// parallel (each with its own listener) do not see each other's connections.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counters = new();
    private readonly ConcurrentDictionary<string, long> _observed = new();
    private readonly Lock _observeGate = new();
    private string? _endPoint;

    public MetricsCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NetMeter.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Only this endpoint's measurements count from now on ("127.0.0.1:port").</summary>
    public string? EndPoint
    {
        get => Volatile.Read(ref _endPoint);
        set => Volatile.Write(ref _endPoint, value);
    }

    /// <summary>What the counters (accepted, refused, drops) added for the endpoint, by instrument and tags.</summary>
    public long Counted(string instrument, params string[] tags) => _counters.GetValueOrDefault(Key(instrument, tags));

    /// <summary>Asks the observable instruments now; the value of one series for the endpoint, or null when absent.</summary>
    public long? Observe(string instrument, params string[] tags)
    {
        lock (_observeGate)
        {
            _observed.Clear();
            _listener.RecordObservableInstruments();
            return _observed.TryGetValue(Key(instrument, tags), out var value) ? value : null;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? endPoint = null;
        var others = new List<string>();
        foreach (var (key, tagValue) in tags)
        {
            if (key == "endpoint")
            {
                endPoint = tagValue as string;
            }
            else if (key != "transport")
            {
                others.Add($"{key}={tagValue}");
            }
        }

        if (endPoint is null || endPoint != EndPoint)
        {
            return;
        }

        var name = Key(instrument.Name, [.. others]);
        if (instrument.IsObservable)
        {
            // Each endpoint is one series per tag set: a second value for it in one observation would be a bug.
            Assert.True(_observed.TryAdd(name, value), $"{name} measured twice in one observation");
        }
        else
        {
            _counters.AddOrUpdate(name, value, (_, old) => old + value);
        }
    }

    private static string Key(string instrument, string[] tags) => tags.Length == 0 ? instrument : $"{instrument}{{{string.Join(',', tags.Order(StringComparer.Ordinal))}}}";
}
