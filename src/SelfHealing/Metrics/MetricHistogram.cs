using SelfHealing.Metrics.Storage;

namespace SelfHealing.Metrics;

/// <summary>A distribution: <c>collector.Histogram("db.latency", "s").Record(0.012)</c>.</summary>
public sealed class MetricHistogram : MetricInstrument
{
    internal MetricHistogram(MetricsCollector collector, Metric metric)
        : base(collector, metric)
    {
    }

    /// <summary>Records one observation. NaN and infinities are not stored; they are counted as invalid.</summary>
    /// <param name="value">The observation.</param>
    /// <param name="tags">The series' tags.</param>
    public void Record(double value, params ReadOnlySpan<KeyValuePair<string, object?>> tags) => Collector.Record(Metric, value, tags);
}
