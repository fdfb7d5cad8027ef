using SelfHealing.Events;

namespace SelfHealing.Metrics;

/// <summary>
/// An anomaly started in a metric series: the bucket's score reached the detector's threshold. A lasting anomaly is
/// reported once; <see cref="AnomalyEnded"/> follows when it is over. Published on the event hub with priority
/// delivery: recovery reads it.
/// </summary>
/// <param name="Source">Always <c>metrics</c>.</param>
/// <param name="Timestamp">When the bucket was closed.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Tags">The series' tags.</param>
/// <param name="Type">The metric's type.</param>
/// <param name="BucketStart">The start of the bucket that raised the alarm.</param>
/// <param name="Score">The bucket's anomaly score in [0, 1] (see <see cref="Analysis.AnomalyScore.Score"/>).</param>
/// <param name="Value">The value judged: a counter's increase in the bucket, otherwise the bucket's mean.</param>
/// <param name="Expected">The value the detector expected.</param>
public sealed record AnomalyDetected(
    string Source,
    DateTimeOffset Timestamp,
    string Metric,
    MetricTags Tags,
    MetricType Type,
    DateTimeOffset BucketStart,
    double Score,
    double Value,
    double Expected) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
