using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Health;

/// <summary>What one reading of a component brought: any of a health check outcome, a probe outcome, values and a reported level.</summary>
internal readonly record struct ComponentReading(
    HealthCheckOutcome? Check,
    HealthCheckOutcome? Probe,
    IReadOnlyList<KeyValuePair<string, double>> Values,
    (HealthLevel Level, string Reason)? Reported,
    TimeSpan Duration);

/// <summary>The result of applying a reading: the level before and after, and each thresholded metric's forecast (null for none).</summary>
internal readonly record struct ComponentEvaluation(HealthLevel Before, HealthLevel After, string Reason, IReadOnlyList<(string Metric, BreachForecast? Forecast)> Forecasts);

/// <summary>
/// Everything the monitor knows of one component: its sources (health check, probe, reports, thresholded
/// metrics), each with its own consecutive rule, the level they add up to (the worst), the latest values, the
/// history ring and the forecasts. Readings are applied one at a time under a lock (scheduled runs and passive
/// reports may arrive together).
/// </summary>
internal sealed class ComponentState
{
    private static readonly IReadOnlyDictionary<string, double> NoValues = new Dictionary<string, double>();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ThresholdTracker> _thresholds;
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _forecastAt = new(StringComparer.Ordinal);
    private readonly HealthSample?[] _history;
    private readonly CheckStatusTracker? _check;
    private readonly CheckStatusTracker? _probe;
    private readonly int _predictionSamples;
    private readonly TimeSpan _horizon;
    private readonly TimeSpan _forecastEvery;
    private (HealthLevel Level, string Reason)? _reported;
    private int _next;
    private int _count;
    private HealthLevel _level;
    private readonly string _healthyReason;
    private string _reason;
    private string? _source;
    private DateTimeOffset _since;
    private DateTimeOffset _checkedAt;
    private TimeSpan _lastDuration;
    private bool _seen;

    public ComponentState(string name, HealthCheckRegistration? registration, HealthComponentOptions? component, HealthMonitorOptions options, IEnumerable<string>? impliedDependsOn = null)
    {
        Name = name;
        Registration = registration;
        HasProbe = component?.HasProbe ?? false;
        DependsOn = [.. (component?.DependsOn ?? []).Union(impliedDependsOn ?? [], StringComparer.Ordinal)];
        FollowsBreakers = registration?.Tags.Contains(HealthMonitor.BreakerStateTag) ?? false;
        Sources = component?.Metrics.ToArray() ?? [];
        _thresholds = component?.Thresholds.ToDictionary(t => t.Key, t => new ThresholdTracker(t.Key, t.Value), StringComparer.Ordinal)
            ?? new Dictionary<string, ThresholdTracker>(StringComparer.Ordinal);
        // A breaker's state is already debounced by the breaker: each outcome is taken at once.
        _check = registration is null ? null
            : FollowsBreakers ? new CheckStatusTracker(name, 1, 1)
            : new CheckStatusTracker(name, options.OutcomesToWorsen, options.OutcomesToRecover);
        _probe = HasProbe ? new CheckStatusTracker($"{name} probe", options.OutcomesToWorsen, options.OutcomesToRecover) : null;
        _history = new HealthSample?[options.HistorySize];
        _predictionSamples = options.PredictionSamples;
        _horizon = options.PredictionHorizon;
        _forecastEvery = options.PredictionInterval;
        _reason = _healthyReason = $"{name} is healthy";
    }

    public string Name { get; }

    public HealthCheckRegistration? Registration { get; }

    public bool HasProbe { get; }

    /// <summary>Gets whether the component's check reads circuit breakers' state (<see cref="HealthMonitor.BreakerStateTag"/>).</summary>
    public bool FollowsBreakers { get; }

    public IReadOnlyList<string> DependsOn { get; }

    public IReadOnlyList<KeyValuePair<string, CollectorMetricSource>> Sources { get; }

    /// <summary>Gets the component's level (Healthy before its first reading).</summary>
    public HealthLevel Level
    {
        get
        {
            lock (_gate)
            {
                return _level;
            }
        }
    }

    /// <summary>Applies a reading taken at <paramref name="now"/>.</summary>
    public ComponentEvaluation Apply(ComponentReading reading, DateTimeOffset now)
    {
        lock (_gate)
        {
            HealthLevel before = _level;
            if (reading.Check is { } check)
            {
                _check?.Observe(check);
            }

            if (reading.Probe is { } probe)
            {
                _probe?.Observe(probe);
            }

            if (reading.Reported is { } reported)
            {
                _reported = reported;
            }

            foreach ((string metric, double value) in reading.Values)
            {
                _latest[metric] = value;
                if (_thresholds.TryGetValue(metric, out ThresholdTracker? tracker))
                {
                    tracker.Observe(value);
                }
            }

            (_level, _reason) = Combine();
            if (!_seen || _level != before)
            {
                _since = now;
            }

            _seen = true;
            _checkedAt = now;
            _lastDuration = reading.Duration;
            IReadOnlyDictionary<string, double> values = reading.Values.Count == 0 ? NoValues : reading.Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
            _history[_next] = new HealthSample(now, _level, values);
            _next = (_next + 1) % _history.Length;
            _count = Math.Min(_count + 1, _history.Length);
            return new ComponentEvaluation(before, _level, _reason, Forecast(reading.Values, now));
        }
    }

    /// <summary>Replaces thresholds (a metric's level is kept; its streak starts over); adds the new ones.</summary>
    public void UpdateThresholds(IReadOnlyDictionary<string, MetricThreshold> thresholds)
    {
        lock (_gate)
        {
            foreach ((string metric, MetricThreshold threshold) in thresholds)
            {
                if (_thresholds.TryGetValue(metric, out ThresholdTracker? tracker))
                {
                    tracker.Update(threshold);
                }
                else
                {
                    _thresholds[metric] = new ThresholdTracker(metric, threshold);
                }
            }
        }
    }

    /// <summary>The component's view, or <see langword="null"/> before its first reading.</summary>
    public ComponentHealth? Snapshot(IReadOnlyList<string> affectedBy)
    {
        lock (_gate)
        {
            return !_seen ? null : new ComponentHealth(Name, _level, _reason, _since, _checkedAt, _lastDuration)
            {
                DependsOn = DependsOn,
                AffectedBy = affectedBy,
                Metrics = new Dictionary<string, double>(_latest, StringComparer.Ordinal),
                Source = _source,
            };
        }
    }

    /// <summary>The history, oldest first.</summary>
    public IReadOnlyList<HealthSample> History()
    {
        lock (_gate)
        {
            var samples = new List<HealthSample>(_count);
            for (int i = 0; i < _count; i++)
            {
                samples.Add(_history[(_next - _count + i + _history.Length) % _history.Length]!);
            }

            return samples;
        }
    }

    // The worst source wins; on a tie the first one listed gives the reason.
    private (HealthLevel Level, string Reason) Combine()
    {
        HealthLevel level = HealthLevel.Healthy;
        string? reason = null;
        string? source = null;
        if (_check is { } check && check.Level > level)
        {
            (level, reason, source) = (check.Level, check.Reason, "check");
        }

        if (_probe is { } probe && probe.Level > level)
        {
            (level, reason, source) = (probe.Level, probe.Reason, "probe");
        }

        if (_reported is { } reported && reported.Level > level)
        {
            (level, reason, source) = (reported.Level, reported.Reason, "reported");
        }

        foreach ((string metric, ThresholdTracker tracker) in _thresholds)
        {
            if (tracker.Level > level)
            {
                (level, reason, source) = (tracker.Level, tracker.Reason, $"threshold:{metric}");
            }
        }

        _source = level == HealthLevel.Healthy ? null : source;
        return (level, reason ?? _healthyReason);
    }

    // Forecasts each thresholded metric that this reading carried, from its recent history, unless its last
    // forecast is more recent than the prediction interval.
    private (string Metric, BreachForecast? Forecast)[] Forecast(IReadOnlyList<KeyValuePair<string, double>> values, DateTimeOffset now)
    {
        List<(string, BreachForecast?)>? forecasts = null;
        if (_horizon <= TimeSpan.Zero)
        {
            return [];
        }

        foreach ((string metric, _) in values)
        {
            if (!_thresholds.TryGetValue(metric, out ThresholdTracker? tracker)
                || (_forecastAt.TryGetValue(metric, out DateTimeOffset last) && now - last < _forecastEvery))
            {
                continue;
            }

            var samples = new List<(DateTimeOffset, double)>(_predictionSamples);
            for (int i = _count - 1; i >= 0 && samples.Count < _predictionSamples; i--)
            {
                HealthSample sample = _history[(_next - _count + i + _history.Length) % _history.Length]!;
                if (sample.Metrics.TryGetValue(metric, out double value))
                {
                    samples.Add((sample.Timestamp, value));
                }
            }

            if (samples.Count < _predictionSamples / 2)
            {
                continue; // too little history: no forecast yet, and the interval not started
            }

            samples.Reverse();
            BreachForecast? forecast = BreachForecast.PredictValid(samples, tracker.InForce, _horizon);
            if (forecast is not null && forecast.Level <= tracker.Level)
            {
                forecast = null; // the metric is already there
            }

            _forecastAt[metric] = now;
            (forecasts ??= []).Add((metric, forecast));
        }

        return forecasts is null ? [] : [.. forecasts];
    }
}
