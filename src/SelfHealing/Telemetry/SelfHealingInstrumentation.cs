using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using SelfHealing.CircuitBreakers;
using SelfHealing.Metrics;

namespace SelfHealing.Telemetry;

/// <summary>
/// The library's instruments, created once per meter. Components hold a reference and guard every
/// recording with <c>Enabled</c>, so nothing is paid while no listener is attached.
/// </summary>
internal sealed class SelfHealingInstrumentation
{
    private static readonly Lazy<SelfHealingInstrumentation> SharedInstance =
        new(() => new SelfHealingInstrumentation(new Meter(SelfHealingMeter.Name, typeof(SelfHealingInstrumentation).Assembly.GetName().Version?.ToString())));

    private readonly ConditionalWeakTable<CircuitBreaker, object?> _breakers = new();
    private readonly ConditionalWeakTable<MetricsCollector, object?> _collectors = new();

    public SelfHealingInstrumentation(IMeterFactory meterFactory)
        : this(meterFactory.Create(new MeterOptions(SelfHealingMeter.Name)
        {
            Version = typeof(SelfHealingInstrumentation).Assembly.GetName().Version?.ToString(),
        }))
    {
    }

    private SelfHealingInstrumentation(Meter meter)
    {
        CircuitCalls = meter.CreateCounter<long>(SelfHealingMeter.CircuitCalls, "{call}", "Calls through circuit breakers by outcome.");
        CircuitTransitions = meter.CreateCounter<long>(SelfHealingMeter.CircuitTransitions, "{transition}", "Circuit state transitions.");
        EventsDropped = meter.CreateCounter<long>(SelfHealingMeter.EventsDropped, "{event}", "Events dropped for lagging subscribers.");
        meter.CreateObservableGauge(SelfHealingMeter.CircuitState, ObserveStates, "{state}", "Circuit state: 0 closed, 1 open, 2 half-open, 3 isolated, 4 disabled.");
        MetricsRejected = meter.CreateCounter<long>(SelfHealingMeter.MetricsRejected, "{value}", "Metric values refused (invalid) or limited (series or metric limit).");
        MetricAnomalies = meter.CreateCounter<long>(SelfHealingMeter.MetricsAnomalies, "{anomaly}", "Anomalies found in metric series.");
        meter.CreateObservableGauge(SelfHealingMeter.MetricsSeries, ObserveSeries, "{series}", "Series kept by the metrics collector.");
        meter.CreateObservableGauge(SelfHealingMeter.MetricsQuantile, ObserveQuantiles, null, "Quantiles of the series recorded through the metrics collector.");
    }

    /// <summary>Gets the instruments of the process-wide meter, used when no <see cref="IMeterFactory"/> is at hand.</summary>
    public static SelfHealingInstrumentation Shared => SharedInstance.Value;

    public Counter<long> CircuitCalls { get; }

    public Counter<long> CircuitTransitions { get; }

    public Counter<long> EventsDropped { get; }

    public Counter<long> MetricsRejected { get; }

    public Counter<long> MetricAnomalies { get; }

    /// <summary>Adds a collector to the series and quantile gauges; held weakly.</summary>
    public void Track(MetricsCollector collector) => _collectors.AddOrUpdate(collector, null);

    /// <summary>Adds a breaker to the state gauge; held weakly, so a forgotten breaker is collected.</summary>
    public void Track(CircuitBreaker breaker) => _breakers.AddOrUpdate(breaker, null);

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        foreach (KeyValuePair<CircuitBreaker, object?> pair in _breakers)
        {
            yield return new Measurement<int>(
                (int)pair.Key.State,
                new KeyValuePair<string, object?>(SelfHealingMeter.CircuitNameTag, pair.Key.Name));
        }
    }

    private IEnumerable<Measurement<int>> ObserveSeries()
    {
        foreach (KeyValuePair<MetricsCollector, object?> pair in _collectors)
        {
            yield return new Measurement<int>(pair.Key.SeriesCount);
        }
    }

    private IEnumerable<Measurement<double>> ObserveQuantiles()
    {
        foreach (KeyValuePair<MetricsCollector, object?> pair in _collectors)
        {
            foreach (Measurement<double> measurement in pair.Key.ObservePublishedQuantiles())
            {
                yield return measurement;
            }
        }
    }
}
