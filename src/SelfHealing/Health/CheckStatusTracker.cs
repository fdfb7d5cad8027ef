using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Health;

/// <summary>
/// Turns the successive outcomes of one health check into a component level without flapping: a check that
/// threw or timed out is <see cref="HealthLevel.Failed"/>, Unhealthy is <see cref="HealthLevel.Critical"/>,
/// Degraded is <see cref="HealthLevel.Degraded"/>; the level moves only after the configured number of outcomes
/// in a row agree (the same consecutive rule as <see cref="ThresholdTracker"/>, which it uses). The reason is
/// the check's own description for the level reached. Not thread-safe: one writer per check.
/// </summary>
internal sealed class CheckStatusTracker
{
    private readonly ThresholdTracker _levels;
    private readonly string?[] _reasons = new string?[4];
    private readonly HealthStatus?[] _statuses = new HealthStatus?[4];

    public CheckStatusTracker(string name, int samplesToWorsen, int samplesToRecover)
    {
        Name = name;
        _levels = new ThresholdTracker(name, new MetricThreshold
        {
            Degraded = (int)HealthLevel.Degraded,
            Critical = (int)HealthLevel.Critical,
            Failed = (int)HealthLevel.Failed,
            SamplesToWorsen = samplesToWorsen,
            SamplesToRecover = samplesToRecover,
        });
    }

    public string Name { get; }

    public HealthLevel Level => _levels.Level;

    /// <summary>Gets why the check is at its level: the description of the latest outcome at that level.</summary>
    public string Reason => Level == HealthLevel.Healthy ? $"{Name} is healthy"
        : _reasons[(int)Level] ?? (_statuses[(int)Level] is { } status ? $"{Name} reported {status}" : _levels.Reason);

    public static HealthLevel LevelOf(HealthCheckOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.TimedOut || outcome.Result.Exception is not null ? HealthLevel.Failed
            : outcome.Result.Status switch
            {
                HealthStatus.Healthy => HealthLevel.Healthy,
                HealthStatus.Degraded => HealthLevel.Degraded,
                _ => HealthLevel.Critical,
            };
    }

    /// <summary>Observes an outcome and returns the level, which changes only when the consecutive rule allows.</summary>
    public HealthLevel Observe(HealthCheckOutcome outcome)
    {
        HealthLevel raw = LevelOf(outcome);
        _reasons[(int)raw] = outcome.Result.Description;
        _statuses[(int)raw] = outcome.Result.Status;
        return _levels.Observe((int)raw);
    }
}
