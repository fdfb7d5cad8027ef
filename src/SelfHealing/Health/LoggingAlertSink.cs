using Microsoft.Extensions.Logging;

namespace SelfHealing.Health;

/// <summary>
/// The default alert sink: writes each alert to the log, Critical alerts as errors, Warning alerts as warnings,
/// Info alerts and resolutions as information (event ids 4010 and 4011).
/// </summary>
internal sealed partial class LoggingAlertSink(ILogger logger) : IHealthAlertSink
{
    public ValueTask SendAsync(HealthAlert alert, CancellationToken cancellationToken)
    {
        if (alert.State == AlertState.Resolved)
        {
            LogResolved(logger, alert.Key, alert.Message);
        }
        else
        {
            LogLevel level = alert.Severity switch
            {
                AlertSeverity.Critical => LogLevel.Error,
                AlertSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Information,
            };
            LogAlert(logger, level, alert.Severity, alert.State, alert.Key, alert.Message);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 4010, Message = "{Severity} alert {State} ({Key}): {Message}")]
    private static partial void LogAlert(ILogger logger, LogLevel level, AlertSeverity severity, AlertState state, string key, string message);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Alert resolved ({Key}): {Message}")]
    private static partial void LogResolved(ILogger logger, string key, string message);
}
