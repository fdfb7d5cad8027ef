using SelfHealing.Health;

namespace SelfHealing.Configuration;

/// <summary>What a guarded apply watches, and how much worse things may get before it rolls back.</summary>
public sealed class ConfigGuard
{
    /// <summary>Gets or sets how long to watch; <see cref="AdaptiveConfigOptions.GuardWindow"/> when <see langword="null"/>.</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>Gets the health components watched; every component the monitor knows when empty.</summary>
    public ISet<string> Components { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many levels a component may lose before it counts as a regression.</summary>
    /// <value>Default 0: any worse level is a regression.</value>
    public int LevelTolerance { get; set; }

    /// <summary>Gets the metrics watched.</summary>
    public IList<MetricGuard> Metrics { get; } = [];

    /// <summary>
    /// Gets or sets a check made once, <see cref="CheckAfter"/> into the window: an answer other than
    /// <see langword="null"/> is a regression (the answer is its reason) and the change is rolled back at once, without
    /// waiting out the window; none when <see langword="null"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? Check { get; set; }

    /// <summary>Gets or sets when <see cref="Check"/> is made, from the change; half the window when <see langword="null"/>.</summary>
    /// <value>Allowed: zero to the window.</value>
    public TimeSpan? CheckAfter { get; set; }
}

/// <summary>A metric a guarded apply compares before and after the change.</summary>
public sealed class MetricGuard
{
    /// <summary>Gets or sets the collector metric's name.</summary>
    public string Metric { get; set; } = "";

    /// <summary>Gets or sets the figure compared.</summary>
    /// <value>Default <see cref="MetricStatistic.P95"/>.</value>
    public MetricStatistic Statistic { get; set; } = MetricStatistic.P95;

    /// <summary>Gets or sets which way is worse.</summary>
    /// <value>Default <see cref="ThresholdDirection.HigherIsWorse"/>.</value>
    public ThresholdDirection Direction { get; set; } = ThresholdDirection.HigherIsWorse;

    /// <summary>Gets or sets how much worse, relative to the value before, the value after may be.</summary>
    /// <value>Default 0.2 (20%).</value>
    public double Tolerance { get; set; } = 0.2;

    /// <summary>Gets the tags the series must carry; every series when empty.</summary>
    public IDictionary<string, string> Tags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>How a guarded apply ended.</summary>
/// <param name="Applied">The version the change made.</param>
/// <param name="RolledBack">Whether it was rolled back.</param>
/// <param name="Current">The version in force at the end (the rollback's, when rolled back).</param>
/// <param name="Regressions">What got worse, in words.</param>
public sealed record GuardedApplyResult(ConfigSnapshot Applied, bool RolledBack, ConfigSnapshot Current, IReadOnlyList<string> Regressions);
