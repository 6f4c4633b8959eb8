using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Tests.Infrastructure;

/// <summary>A logger factory that keeps every entry, to check what a server logged (and how often).</summary>
internal sealed class RecordingLogger : ILoggerProvider, ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Text)> Entries { get; } = new();

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(this));

    public int Count(int eventId) => Entries.Count(e => e.Id.Id == eventId);

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, eventId, formatter(state, exception)));

    public void Dispose()
    {
    }
}
