using System.Globalization;

namespace SelfHealing.Health;

/// <summary>
/// Follows one metric of one component against its <see cref="MetricThreshold"/>, sample by sample, and keeps
/// the level it has earned: one noisy sample moves nothing. Not thread-safe: one writer per metric.
/// </summary>
public sealed class ThresholdTracker
{
    private MetricThreshold _threshold;
    private HealthLevel _candidate;
    private int _streak;

    /// <summary>Creates a tracker.</summary>
    /// <param name="metric">The metric's name, used in reasons (for example <c>latency.p95</c>).</param>
    /// <param name="threshold">The levels and rules; copied.</param>
    /// <exception cref="ArgumentException">The name is empty, or the threshold is invalid (the message names each problem).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="threshold"/> is <see langword="null"/>.</exception>
    public ThresholdTracker(string metric, MetricThreshold threshold)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        ArgumentNullException.ThrowIfNull(threshold);
        threshold.ThrowIfInvalid(metric, nameof(threshold));
        Metric = metric;
        _threshold = threshold.Copy();
        Reason = $"{metric} has no samples yet";
    }

    /// <summary>Gets a copy of the threshold in force.</summary>
    public MetricThreshold Threshold => _threshold.Copy();

    /// <summary>Gets the threshold in force, not copied: for readers that do not change it.</summary>
    internal MetricThreshold InForce => _threshold;

    /// <summary>Replaces the threshold. The level earned so far stands; the streak towards another level starts over.</summary>
    /// <param name="threshold">The new levels and rules; copied.</param>
    /// <exception cref="ArgumentException">The threshold is invalid (the message names each problem).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="threshold"/> is <see langword="null"/>.</exception>
    public void Update(MetricThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        threshold.ThrowIfInvalid(Metric, nameof(threshold));
        _threshold = threshold.Copy();
        _streak = 0;
    }

    /// <summary>Gets the metric's name.</summary>
    public string Metric { get; }

    /// <summary>Gets the level earned so far.</summary>
    public HealthLevel Level { get; private set; }

    /// <summary>Gets why the level is what it is, in words.</summary>
    public string Reason { get; private set; }

    /// <summary>Gets the last sample observed.</summary>
    public double LastValue { get; private set; } = double.NaN;

    /// <summary>Observes a sample and returns the level, which changes only when the rules allow it.</summary>
    /// <param name="value">The sample. NaN and infinities are ignored (the level stands).</param>
    /// <returns>The level after the sample.</returns>
    public HealthLevel Observe(double value)
    {
        if (!double.IsFinite(value))
        {
            return Level;
        }

        LastValue = value;
        HealthLevel raw = RawLevel(value, hysteresis: 0);
        HealthLevel target;
        if (raw > Level)
        {
            target = raw;
        }
        else
        {
            // Leaving a level needs the value back past its threshold by the hysteresis.
            HealthLevel recovered = RawLevel(value, _threshold.Hysteresis);
            target = recovered < Level ? recovered : Level;
        }

        if (target == Level)
        {
            _streak = 0;
            return Level;
        }

        // Count samples in a row heading the same way (worse, or better); the level moves to the mildest
        // level the streak agreed on.
        bool worse = target > Level;
        if (_streak > 0 && (_candidate > Level) == worse)
        {
            _streak++;
            _candidate = worse ? (HealthLevel)Math.Min((int)_candidate, (int)target) : (HealthLevel)Math.Max((int)_candidate, (int)target);
        }
        else
        {
            _streak = 1;
            _candidate = target;
        }

        int needed = worse ? _threshold.SamplesToWorsen : _threshold.SamplesToRecover;
        if (_streak >= needed)
        {
            HealthLevel previous = Level;
            Level = _candidate;
            _streak = 0;
            Reason = Describe(previous, value);
        }

        return Level;
    }

    private HealthLevel RawLevel(double value, double hysteresis)
    {
        bool higherIsWorse = _threshold.Direction == ThresholdDirection.HigherIsWorse;
        bool Past(double? level) => level is { } l && (higherIsWorse ? value >= l - hysteresis : value <= l + hysteresis);

        if (Past(_threshold.Failed))
        {
            return HealthLevel.Failed;
        }

        if (Past(_threshold.Critical))
        {
            return HealthLevel.Critical;
        }

        return Past(_threshold.Degraded) ? HealthLevel.Degraded : HealthLevel.Healthy;
    }

    private string Describe(HealthLevel previous, double value)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        int samples = Level > previous ? _threshold.SamplesToWorsen : _threshold.SamplesToRecover;
        double? limit = Level switch
        {
            HealthLevel.Failed => _threshold.Failed,
            HealthLevel.Critical => _threshold.Critical,
            HealthLevel.Degraded => _threshold.Degraded,
            _ => null,
        };
        string comparison = _threshold.Direction == ThresholdDirection.HigherIsWorse ? "at or above" : "at or below";
        return limit is { } l
            ? string.Create(c, $"{Metric} is {value} ({Level}: {comparison} {l} for {samples} samples in a row)")
            : string.Create(c, $"{Metric} is {value} (back to {Level} for {samples} samples in a row)");
    }
}
