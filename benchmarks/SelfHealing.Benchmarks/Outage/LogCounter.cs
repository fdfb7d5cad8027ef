using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Benchmarks.Outage;

/// <summary>One line the app logged at Warning or above, or at Information from SelfHealing.</summary>
internal sealed record LoggedLine(DateTimeOffset At, LogLevel Level, string Category, int EventId, string Message);

/// <summary>
/// The operator's view of the app's log: counts the lines at Warning and at Error or above from every category, and
/// keeps those lines and SelfHealing's Information lines for the timeline.
/// </summary>
internal sealed class LogCounter(TimeProvider time) : ILoggerProvider
{
    private readonly TimeProvider _time = time;
    private readonly ConcurrentQueue<LoggedLine> _lines = new();
    private int _warnings;
    private int _errors;

    public int Warnings => Volatile.Read(ref _warnings);

    public int Errors => Volatile.Read(ref _errors);

    public IReadOnlyList<LoggedLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCounter owner, string category) : ILogger
    {
        private readonly bool _ours = category.StartsWith("SelfHealing", StringComparison.Ordinal);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || (_ours && logLevel >= LogLevel.Information);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref owner._warnings);
            }
            else if (logLevel > LogLevel.Warning && logLevel != LogLevel.None)
            {
                Interlocked.Increment(ref owner._errors);
            }

            owner._lines.Enqueue(new LoggedLine(owner._time.GetUtcNow(), logLevel, category, eventId.Id, formatter(state, exception)));
        }
    }
}
