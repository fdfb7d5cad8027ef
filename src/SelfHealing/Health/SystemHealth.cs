namespace SelfHealing.Health;

/// <summary>The roll-up of every component along the dependency graph.</summary>
/// <param name="Level">The worst component level (Healthy when nothing is watched yet).</param>
/// <param name="RootCauses">Unhealthy components none of whose dependencies is in trouble, by name.</param>
/// <param name="Affected">Unhealthy components with a dependency in trouble, by name.</param>
/// <param name="Components">Every component the monitor has a view of, by name.</param>
public sealed record SystemHealth(HealthLevel Level, IReadOnlyList<string> RootCauses, IReadOnlyList<string> Affected, IReadOnlyList<ComponentHealth> Components);
