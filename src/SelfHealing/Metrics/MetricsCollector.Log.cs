using Microsoft.Extensions.Logging;

namespace SelfHealing.Metrics;

public sealed partial class MetricsCollector
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Metric {MetricName} reached {Limit} ({Value}); values of further tag sets go to its overflow series (tag selfhealing.overflow=true)")]
    private static partial void LogSeriesLimit(ILogger logger, string metricName, string limit, int value);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The collector keeps at most {MaxMetrics} metrics (MaxMetrics); values of {MetricName} and further new names are dropped")]
    private static partial void LogMetricLimit(ILogger logger, int maxMetrics, string metricName);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Anomaly in {MetricName}{Tags} starts: {Value}, expected about {Expected}, score {Score}")]
    private static partial void LogAnomaly(ILogger logger, string metricName, MetricTags tags, double value, double expected, double score);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Anomaly in {MetricName}{Tags} that started at {Start} is over; peak score {PeakScore}")]
    private static partial void LogAnomalyEnded(ILogger logger, string metricName, MetricTags tags, DateTimeOffset start, double peakScore);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Metric {MetricName} refused {Value}: a {Type} takes finite values{CounterRule}; such values are counted as invalid and never stored (logged once per metric)")]
    private static partial void LogInvalidCore(ILogger logger, string metricName, double value, MetricType type, string counterRule);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Closing metric buckets failed; the next bucket tries again")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Instrument {MeterName}/{InstrumentName} is not collected: the metric name is already a {ExistingType}, or over the metric limit")]
    internal static partial void LogInstrumentSkipped(ILogger logger, string meterName, string instrumentName, string existingType);

    private static void LogInvalid(ILogger logger, string metricName, double value, MetricType type) =>
        LogInvalidCore(logger, metricName, value, type, type == MetricType.Counter ? " of 0 or more" : string.Empty);

    internal ILogger Logger => _logger;

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "A metric name starting {NamePrefix} is {Length} characters long; allowed: at most {MaxNameLength}. Its values and those of further such names are dropped and counted (logged once)")]
    private static partial void LogNameTooLong(ILogger logger, string namePrefix, int length, int maxNameLength);
}
