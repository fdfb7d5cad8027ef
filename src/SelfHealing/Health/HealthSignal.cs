namespace SelfHealing.Health;

/// <summary>
/// A request to the <see cref="HealthMonitor"/>, sent with <see cref="HealthMonitor.SignalAsync"/> and handled in
/// order on the monitor's signal channel.
/// </summary>
public abstract record HealthSignal
{
    private protected HealthSignal()
    {
    }

    /// <summary>Check now: every component, or one.</summary>
    /// <param name="Component">The component; every one when <see langword="null"/>.</param>
    public sealed record CheckHealth(string? Component = null) : HealthSignal;

    /// <summary>A component changed (deployed, reconfigured, restarted): check it now.</summary>
    /// <param name="Component">The component.</param>
    public sealed record ComponentUpdated(string Component) : HealthSignal;

    /// <summary>Check more or less often: every component, or one.</summary>
    /// <param name="Interval">The new interval, 100 milliseconds to 1 hour.</param>
    /// <param name="Component">The component; every one when <see langword="null"/>.</param>
    public sealed record AdjustMonitorRate(TimeSpan Interval, string? Component = null) : HealthSignal;

    /// <summary>
    /// Replace thresholds of a component's metrics (and add thresholds for metrics that had none). A metric keeps
    /// the level it has earned; its streak towards another level starts over.
    /// </summary>
    /// <param name="Component">The component.</param>
    /// <param name="Thresholds">The thresholds, by metric name; each is validated when the signal is sent, and copied.</param>
    public sealed record UpdateAlertThresholds(string Component, IReadOnlyDictionary<string, MetricThreshold> Thresholds) : HealthSignal;

    /// <summary>Stop monitoring (as the host stopping would).</summary>
    public sealed record Shutdown : HealthSignal;
}
