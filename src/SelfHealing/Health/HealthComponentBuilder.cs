using Microsoft.Extensions.DependencyInjection;

namespace SelfHealing.Health;

/// <summary>
/// Declares one health component inside <c>AddHealthComponent(name, c =&gt; ...)</c>. Everything here can also be
/// set in configuration under <c>SelfHealing:Health:Components:{name}</c> (except the probe); both add up.
/// </summary>
public sealed class HealthComponentBuilder
{
    internal HealthComponentBuilder(string name, IServiceCollection services)
    {
        Name = name;
        Services = services;
    }

    /// <summary>Gets the component's name.</summary>
    public string Name { get; }

    /// <summary>Gets the service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Measures the component with <typeparamref name="TProbe"/>, obtained in a fresh scope for each run: the
    /// registered service when <typeparamref name="TProbe"/> is registered (register it as a singleton for a probe
    /// that keeps state between runs), otherwise a new instance with its dependencies from the container.
    /// </summary>
    /// <typeparam name="TProbe">The probe.</typeparam>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The component already has a probe.</exception>
    public HealthComponentBuilder UseProbe<TProbe>()
        where TProbe : class, IHealthProbe
    {
        ThrowIfProbed();
        Services.AddKeyedScoped<IHealthProbe>(Name, static (sp, _) => ActivatorUtilities.GetServiceOrCreateInstance<TProbe>(sp));
        return Configure(c => c.HasProbe = true);
    }

    /// <summary>Measures the component with a delegate.</summary>
    /// <param name="probe">Measures the component; the token is cancelled at the probe timeout.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="probe"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The component already has a probe.</exception>
    public HealthComponentBuilder UseProbe(Func<CancellationToken, ValueTask<HealthMetrics>> probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ThrowIfProbed();
        Services.AddKeyedSingleton<IHealthProbe>(Name, new DelegateProbe(probe));
        return Configure(c => c.HasProbe = true);
    }

    // A component has one probe: a second one (another UseProbe, or a second declaration of the component) would
    // silently replace the first.
    private void ThrowIfProbed()
    {
        if (Services.Any(d => d.ServiceType == typeof(IHealthProbe) && d.IsKeyedService && Equals(d.ServiceKey, Name)))
        {
            throw new InvalidOperationException($"The health component '{Name}' already has a probe; a component has one. Declare it once, or give it one probe.");
        }
    }

    /// <summary>Declares components this one depends on: their trouble explains its trouble.</summary>
    /// <param name="components">Health check registrations or declared components.</param>
    /// <returns>The builder.</returns>
    public HealthComponentBuilder DependsOn(params string[] components)
    {
        ArgumentNullException.ThrowIfNull(components);
        string[] copy = [.. components];
        return Configure(c =>
        {
            foreach (string dependency in copy)
            {
                c.DependsOn.Add(dependency);
            }
        });
    }

    /// <summary>Sets the levels at which one of the component's values makes it degraded, critical or failed.</summary>
    /// <param name="metric">A <see cref="HealthMetricNames"/> name, a custom value's name, or a collector value's name.</param>
    /// <param name="configure">Sets the threshold.</param>
    /// <returns>The builder.</returns>
    public HealthComponentBuilder Threshold(string metric, Action<MetricThreshold> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(c => configure(Entry(c.Thresholds, metric)));
    }

    /// <summary>Reads a value from the metrics collector on each check, under the name thresholds use.</summary>
    /// <param name="name">The name of the value (for thresholds and history).</param>
    /// <param name="configure">Sets the collector metric, the statistic, the window and the tags.</param>
    /// <returns>The builder.</returns>
    public HealthComponentBuilder WatchMetric(string name, Action<CollectorMetricSource> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(c => configure(Entry(c.Metrics, name)));
    }

    /// <summary>Sets how often the component is checked.</summary>
    /// <param name="interval">The interval, 100 milliseconds to 1 hour (validated at start).</param>
    /// <returns>The builder.</returns>
    public HealthComponentBuilder Interval(TimeSpan interval)
    {
        string name = Name;
        Services.Configure<HealthMonitorOptions>(o => o.Intervals[name] = interval);
        return this;
    }

    private HealthComponentBuilder Configure(Action<HealthComponentOptions> configure)
    {
        string name = Name;
        Services.Configure<HealthMonitorOptions>(o => configure(Entry(o.Components, name)));
        return this;
    }

    private static T Entry<T>(IDictionary<string, T> entries, string key)
        where T : new()
    {
        if (!entries.TryGetValue(key, out T? entry))
        {
            entries[key] = entry = new T();
        }

        return entry;
    }

    private sealed class DelegateProbe(Func<CancellationToken, ValueTask<HealthMetrics>> probe) : IHealthProbe
    {
        public ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken) => probe(cancellationToken);
    }
}
