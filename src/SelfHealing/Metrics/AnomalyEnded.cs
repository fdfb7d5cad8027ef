using SelfHealing.Events;
using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Metrics;

/// <summary>An anomaly reported by <see cref="AnomalyDetected"/> is over: its scores stayed low for the quiet period.</summary>
/// <param name="Source">Always <c>metrics</c>.</param>
/// <param name="Timestamp">When the bucket that ended it was closed.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Tags">The series' tags.</param>
/// <param name="Type">The metric's type.</param>
/// <param name="Anomaly">Its start, its peak score and when, and its end (bucket starts).</param>
public sealed record AnomalyEnded(
    string Source,
    DateTimeOffset Timestamp,
    string Metric,
    MetricTags Tags,
    MetricType Type,
    AnomalyEvent Anomaly) : SelfHealingEvent(Source, Timestamp);
