using System.Runtime.CompilerServices;
using SelfHealing.Metrics.Storage;

namespace SelfHealing.Metrics;

/// <summary>A level that goes up and down: <c>collector.Gauge("queue.length").Record(queue.Count)</c>.</summary>
public sealed class MetricGauge : MetricInstrument
{
    internal MetricGauge(MetricsCollector collector, Metric metric)
        : base(collector, metric)
    {
    }

    /// <summary>Records the current level. NaN and infinities are not stored; they are counted as invalid.</summary>
    /// <param name="value">The level.</param>
    /// <param name="tags">The series' tags.</param>
    public void Record(double value, params ReadOnlySpan<KeyValuePair<string, object?>> tags) => Collector.Record(Metric, value, tags);

    /// <summary>Records a value with one tag, written <c>new("table", "orders")</c>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="tag">The series' one tag.</param>
    [OverloadResolutionPriority(1)]
    public void Record(double value, KeyValuePair<string, object?> tag) => Collector.Record(Metric, value, [tag]);
}
