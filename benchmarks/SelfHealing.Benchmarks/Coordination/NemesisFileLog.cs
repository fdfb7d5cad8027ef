using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// What an in-process node and its Raft engine log (Information and above), a line each in its own file beside the
/// journals: <c>timestamp level category[event] message | exception type: message</c>, the timestamp being the
/// journals' monotonic clock, so a stuck node can be read against the nemesis's records.
/// </summary>
internal sealed class NemesisFileLog(string path) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private void Write(LogLevel level, string category, int eventId, string message, Exception? exception)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetTimestamp()} {level} {category}[{eventId}] {message.ReplaceLineEndings(" ")}{(exception is null ? string.Empty : $" | {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}")}");
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The node's log outlived its file: a late line of a stopping engine.
            }
        }
    }

    private sealed class Logger(NemesisFileLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, category, eventId.Id, formatter(state, exception), exception);
            }
        }
    }
}
