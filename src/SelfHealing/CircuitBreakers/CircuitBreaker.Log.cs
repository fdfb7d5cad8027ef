using Microsoft.Extensions.Logging;

namespace SelfHealing.CircuitBreakers;

public sealed partial class CircuitBreaker
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Circuit {CircuitName} opened for {BreakDuration}: {Reason}")]
    private static partial void LogOpened(ILogger logger, string circuitName, TimeSpan breakDuration, string reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Circuit {CircuitName} is still failing and opened again for {BreakDuration}: {Reason}")]
    private static partial void LogReopened(ILogger logger, string circuitName, TimeSpan breakDuration, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Circuit {CircuitName} is half-open: {Reason}")]
    private static partial void LogHalfOpened(ILogger logger, string circuitName, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Circuit {CircuitName} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string circuitName, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Circuit {CircuitName} is {State}: {Reason}")]
    private static partial void LogManualState(ILogger logger, string circuitName, CircuitState state, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "The state-change callback of circuit {CircuitName} threw; the transition to {State} stands")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception, string circuitName, CircuitState state);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "The break duration generator of circuit {CircuitName} failed or returned {Returned}; using the configured {BreakDuration}")]
    private static partial void LogBadBreakDuration(ILogger logger, Exception? exception, string circuitName, TimeSpan? returned, TimeSpan breakDuration);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Circuit {CircuitName} took new options; state {State} and window counts kept")]
    private static partial void LogOptionsUpdated(ILogger logger, string circuitName, CircuitState state);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "The {Classifier} of circuit {CircuitName} threw; the call counts as a failure ({Held} more since the last such line, which comes at most once a minute)")]
    private static partial void LogClassifierFailed(ILogger logger, Exception exception, string circuitName, string classifier, long held);
}
