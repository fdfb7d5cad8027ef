using System.Runtime.CompilerServices;
using SelfHealing.Metrics.Storage;

namespace SelfHealing.Metrics;

/// <summary>A monotonic counter: <c>collector.Counter("orders.failed").Add(1, new("reason", "timeout"))</c>.</summary>
public sealed class MetricCounter : MetricInstrument
{
    internal MetricCounter(MetricsCollector collector, Metric metric)
        : base(collector, metric)
    {
    }

    /// <summary>Adds an increment. A negative, NaN or infinite increment is not stored; it is counted as invalid.</summary>
    /// <param name="increment">The increase, 0 or more.</param>
    /// <param name="tags">The series' tags.</param>
    public void Add(double increment, params ReadOnlySpan<KeyValuePair<string, object?>> tags) => Collector.Record(Metric, increment, tags);

    /// <summary>Adds an increment with one tag, written <c>new("reason", "timeout")</c>.</summary>
    /// <param name="increment">The increase, 0 or more.</param>
    /// <param name="tag">The series' one tag.</param>
    [OverloadResolutionPriority(1)]
    public void Add(double increment, KeyValuePair<string, object?> tag) => Collector.Record(Metric, increment, [tag]);
}
