namespace SelfHealing.Health;

/// <summary>
/// A component the monitor watches beyond the app's health checks, bound from
/// <c>SelfHealing:Health:Components:{name}</c> or declared with <c>AddHealthComponent</c>. A component with the
/// name of a health check registration is that check, with these thresholds, metrics and dependencies added.
/// </summary>
public sealed class HealthComponentOptions
{
    /// <summary>Gets the components this one depends on (health check registrations or declared components).</summary>
    /// <value>Default empty. Each must be known when the monitor starts; the graph must have no cycle.</value>
    public IList<string> DependsOn { get; private set; } = [];

    /// <summary>
    /// Gets the thresholds on the component's values, by metric name: <see cref="HealthMetricNames"/> for a
    /// probe's standard values, a custom value's name, or the name of an entry of <see cref="Metrics"/>.
    /// </summary>
    public IDictionary<string, MetricThreshold> Thresholds { get; private set; } = new Dictionary<string, MetricThreshold>(StringComparer.Ordinal);

    /// <summary>Gets the values the component takes from the metrics collector on each check, by the name thresholds use.</summary>
    public IDictionary<string, CollectorMetricSource> Metrics { get; private set; } = new Dictionary<string, CollectorMetricSource>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether a probe is registered for the component (set by <c>UseProbe</c>).</summary>
    internal bool HasProbe { get; set; }

    internal HealthComponentOptions Copy()
    {
        var copy = (HealthComponentOptions)MemberwiseClone();
        copy.DependsOn = [.. DependsOn.Distinct(StringComparer.Ordinal)];
        copy.Thresholds = Thresholds.ToDictionary(t => t.Key, t => t.Value.Copy(), StringComparer.Ordinal);
        copy.Metrics = Metrics.ToDictionary(m => m.Key, m => m.Value.Copy(), StringComparer.Ordinal);
        return copy;
    }
}
