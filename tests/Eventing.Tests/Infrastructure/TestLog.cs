using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Complaints.Eventing.Tests.Infrastructure;

public sealed record LogEntry(string App, string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>Warnings and errors of the test's hosts: kept for assertions and written to the test output.</summary>
public sealed class TestLog(ITestOutputHelper output)
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public int Count(Func<LogEntry, bool> predicate) => _entries.Count(predicate);

    public void Write(LogEntry entry)
    {
        _entries.Enqueue(entry);
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{entry.App}] {entry.Level} {entry.Category}: {entry.Message}"
                + (entry.Exception is null ? string.Empty : $" ({entry.Exception.GetType().Name}: {entry.Exception.Message})"));
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late log line of a stopping host has nowhere to go.
        }
    }
}

public sealed class TestLoggerProvider(TestLog log, string app) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestLogger(log, app, categoryName);

    public void Dispose()
    {
    }

    private sealed class TestLogger(TestLog log, string app, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write(new LogEntry(app, category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
