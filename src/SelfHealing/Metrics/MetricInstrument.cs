using SelfHealing.Metrics.Storage;

namespace SelfHealing.Metrics;

/// <summary>
/// A handle on one metric of a <see cref="MetricsCollector"/>, obtained once and kept: recording through it
/// takes no lock and allocates nothing (tags are passed as a span, which C# builds on the stack).
/// </summary>
public abstract class MetricInstrument
{
    private protected MetricInstrument(MetricsCollector collector, Metric metric)
    {
        Collector = collector;
        Metric = metric;
    }

    /// <summary>Gets the metric's name.</summary>
    public string Name => Metric.Name;

    /// <summary>Gets the metric's type.</summary>
    public MetricType Type => Metric.Type;

    /// <summary>Gets the unit, if one was given.</summary>
    public string? Unit => Metric.Unit;

    private protected MetricsCollector Collector { get; }

    private protected Metric Metric { get; }
}
