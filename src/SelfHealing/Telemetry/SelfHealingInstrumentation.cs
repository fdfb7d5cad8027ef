using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace SelfHealing.Telemetry;

/// <summary>
/// The library's instruments, created once per meter. Components hold a reference and guard every
/// recording with <c>Enabled</c>, so nothing is paid while no listener is attached.
/// </summary>
internal sealed class SelfHealingInstrumentation
{
    private static readonly Lazy<SelfHealingInstrumentation> SharedInstance =
        new(() => new SelfHealingInstrumentation(new Meter(SelfHealingMeter.Name, typeof(SelfHealingInstrumentation).Assembly.GetName().Version?.ToString())));

    private readonly ConditionalWeakTable<ICircuitStateSource, object?> _breakers = new();
    private readonly ConditionalWeakTable<IMetricSeriesSource, object?> _collectors = new();
    private readonly ConditionalWeakTable<IHealthLevelSource, object?> _monitors = new();

    // Seconds, from 5 ms to 10 s: the boundaries OpenTelemetry's HTTP semantic conventions advise for request durations.
    private static readonly double[] CallDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // Seconds, from 1 s to an hour: recoveries and incidents last from seconds (a restart) to as long as a human takes.
    private static readonly double[] RecoveryDurationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    public SelfHealingInstrumentation(IMeterFactory meterFactory)
        : this(meterFactory.Create(new MeterOptions(SelfHealingMeter.Name)
        {
            Version = typeof(SelfHealingInstrumentation).Assembly.GetName().Version?.ToString(),
        }))
    {
    }

    private SelfHealingInstrumentation(Meter meter)
    {
        CircuitCalls = meter.CreateObservableCounter(SelfHealingMeter.CircuitCalls, ObserveCalls, "{call}", "Calls through circuit breakers by outcome.");
        CircuitTransitions = meter.CreateCounter<long>(SelfHealingMeter.CircuitTransitions, "{transition}", "Circuit state transitions.");
        EventsDropped = meter.CreateCounter<long>(SelfHealingMeter.EventsDropped, "{event}", "Events dropped for lagging subscribers.");
        meter.CreateObservableGauge(SelfHealingMeter.CircuitState, ObserveStates, "{state}", "Circuit state: 0 closed, 1 open, 2 half-open, 3 isolated, 4 disabled.");
        MetricsRejected = meter.CreateCounter<long>(SelfHealingMeter.MetricsRejected, "{value}", "Metric values refused (invalid) or limited (series or metric limit).");
        MetricAnomalies = meter.CreateCounter<long>(SelfHealingMeter.MetricsAnomalies, "{anomaly}", "Anomalies found in metric series.");
        meter.CreateObservableGauge(SelfHealingMeter.MetricsSeries, ObserveSeries, "{series}", "Series kept by the metrics collector.");
        meter.CreateObservableGauge(SelfHealingMeter.MetricsQuantile, ObserveQuantiles, null, "Quantiles of the series recorded through the metrics collector.");
        CircuitCallDuration = meter.CreateHistogram(SelfHealingMeter.CircuitCallDuration, "s", "Duration of calls through circuit breakers by outcome.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CallDurationBuckets });
        meter.CreateObservableGauge(SelfHealingMeter.HealthLevel, ObserveHealth, "{level}", "Health level of each watched component: 0 healthy, 1 degraded, 2 critical, 3 failed.");
        IncidentsOpened = meter.CreateCounter<long>(SelfHealingMeter.IncidentsOpened, "{incident}", "Incidents opened.");
        IncidentsClosed = meter.CreateCounter<long>(SelfHealingMeter.IncidentsClosed, "{incident}", "Incidents closed, by the status they closed with.");
        IncidentDuration = meter.CreateHistogram(SelfHealingMeter.IncidentDuration, "s", "How long incidents stayed open.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RecoveryDurationBuckets });
        RecoveryActions = meter.CreateCounter<long>(SelfHealingMeter.RecoveryActions, "{action}", "Recovery actions by strategy and result.");
        RecoveryActionDuration = meter.CreateHistogram(SelfHealingMeter.RecoveryActionDuration, "s", "Duration of recovery actions, verification included.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RecoveryDurationBuckets });
        ConfigChanges = meter.CreateCounter<long>(SelfHealingMeter.ConfigChanges, "{version}", "Adaptive configuration versions applied, by source.");
        ConfigRollbacks = meter.CreateCounter<long>(SelfHealingMeter.ConfigRollbacks, "{rollback}", "Adaptive configuration rollbacks.");
    }

    /// <summary>Gets the instruments of the process-wide meter, used when no <see cref="IMeterFactory"/> is at hand.</summary>
    public static SelfHealingInstrumentation Shared => SharedInstance.Value;

    /// <summary>
    /// Gets the call counter. Breakers count their calls by outcome (one interlocked increment a call, only while the
    /// counter is listened to) and the counter reads their totals when collected, so a listener pays nothing per call.
    /// </summary>
    public ObservableCounter<long> CircuitCalls { get; }

    public Counter<long> CircuitTransitions { get; }

    public Counter<long> EventsDropped { get; }

    public Counter<long> MetricsRejected { get; }

    public Counter<long> MetricAnomalies { get; }

    public Histogram<double> CircuitCallDuration { get; }

    public Counter<long> IncidentsOpened { get; }

    public Counter<long> IncidentsClosed { get; }

    public Histogram<double> IncidentDuration { get; }

    public Counter<long> RecoveryActions { get; }

    public Histogram<double> RecoveryActionDuration { get; }

    public Counter<long> ConfigChanges { get; }

    public Counter<long> ConfigRollbacks { get; }

    /// <summary>Adds a health monitor to the health level gauge; held weakly.</summary>
    public void Track(IHealthLevelSource monitor) => _monitors.AddOrUpdate(monitor, null);

    /// <summary>Adds a collector to the series and quantile gauges; held weakly.</summary>
    public void Track(IMetricSeriesSource collector) => _collectors.AddOrUpdate(collector, null);

    /// <summary>Adds a breaker to the state gauge; held weakly, so a forgotten breaker is collected.</summary>
    public void Track(ICircuitStateSource breaker) => _breakers.AddOrUpdate(breaker, null);

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        foreach (KeyValuePair<ICircuitStateSource, object?> pair in _breakers)
        {
            yield return new Measurement<int>(
                pair.Key.StateValue,
                new KeyValuePair<string, object?>(SelfHealingMeter.CircuitNameTag, pair.Key.Name));
        }
    }

    // Each breaker name's totals by outcome; breakers that share a name (built apart from a registry) are summed, so a
    // collection never reports one series twice.
    private List<Measurement<long>> ObserveCalls()
    {
        var totals = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (KeyValuePair<ICircuitStateSource, object?> pair in _breakers)
        {
            if (!totals.TryGetValue(pair.Key.Name, out long[]? counts))
            {
                counts = new long[CallOutcomeTags.All.Length];
                totals.Add(pair.Key.Name, counts);
            }

            for (int outcome = 0; outcome < counts.Length; outcome++)
            {
                counts[outcome] += pair.Key.CallCount(outcome);
            }
        }

        var measurements = new List<Measurement<long>>();
        foreach ((string name, long[] counts) in totals)
        {
            for (int outcome = 0; outcome < counts.Length; outcome++)
            {
                if (counts[outcome] > 0)
                {
                    measurements.Add(new Measurement<long>(counts[outcome], new KeyValuePair<string, object?>(SelfHealingMeter.CircuitNameTag, name), CallOutcomeTags.All[outcome]));
                }
            }
        }

        return measurements;
    }

    private IEnumerable<Measurement<int>> ObserveHealth()
    {
        foreach (KeyValuePair<IHealthLevelSource, object?> pair in _monitors)
        {
            foreach ((string component, int level) in pair.Key.ObserveLevels())
            {
                yield return new Measurement<int>(
                    level,
                    new KeyValuePair<string, object?>(SelfHealingMeter.ComponentTag, component));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveSeries()
    {
        foreach (KeyValuePair<IMetricSeriesSource, object?> pair in _collectors)
        {
            yield return new Measurement<int>(pair.Key.SeriesCount);
        }
    }

    private IEnumerable<Measurement<double>> ObserveQuantiles()
    {
        foreach (KeyValuePair<IMetricSeriesSource, object?> pair in _collectors)
        {
            foreach (Measurement<double> measurement in pair.Key.ObservePublishedQuantiles())
            {
                yield return measurement;
            }
        }
    }
}
