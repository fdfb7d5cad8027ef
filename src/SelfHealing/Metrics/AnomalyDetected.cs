using SelfHealing.Events;
using SelfHealing.Metrics.Analysis;

namespace SelfHealing.Metrics;

/// <summary>
/// A metric series left its expected range in a closed bucket. Published on the event hub with guaranteed
/// delivery: recovery reads it.
/// </summary>
/// <param name="Source">Always <c>metrics</c>.</param>
/// <param name="Timestamp">When the bucket was closed.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Tags">The series' tags.</param>
/// <param name="Type">The metric's type.</param>
/// <param name="BucketStart">The start of the anomalous bucket.</param>
/// <param name="Anomaly">The value judged (a counter's increase in the bucket, otherwise the bucket's mean), the expected value and range, and the score.</param>
public sealed record AnomalyDetected(
    string Source,
    DateTimeOffset Timestamp,
    string Metric,
    MetricTags Tags,
    MetricType Type,
    DateTimeOffset BucketStart,
    Anomaly Anomaly) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Guaranteed;
}
