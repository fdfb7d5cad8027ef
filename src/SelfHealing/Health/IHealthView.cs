namespace SelfHealing.Health;

/// <summary>
/// What the decision layer reads from the health monitor: each component's health (with its dependencies and what
/// affects it) and a check run now. The seam between <see cref="HealthMonitor"/> and recovery and adaptive
/// configuration, so each of them can be tested with a health view of its own.
/// </summary>
internal interface IHealthView
{
    /// <summary>Gets every known component's health.</summary>
    IReadOnlyCollection<ComponentHealth> Components { get; }

    /// <summary>A component's health, or <see langword="null"/> when it is unknown.</summary>
    ComponentHealth? GetHealth(string name);

    /// <summary>Runs the component's checks now (every component's when <paramref name="name"/> is <see langword="null"/>); completes when they have run.</summary>
    Task CheckNowAsync(string? name = null);
}
