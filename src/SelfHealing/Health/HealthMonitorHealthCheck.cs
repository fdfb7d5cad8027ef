using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Health;

/// <summary>
/// The monitor's view as a health check, so <c>MapHealthChecks</c> shows it. Without a component, the system
/// roll-up (<c>selfhealing-health</c>): the worst component level, a description naming the root causes and the
/// affected components, each component's level and reason in the data. With a component
/// (<c>selfhealing-health:{name}</c>): that component's level, reason, dependencies in trouble and latest values.
/// Degraded maps to Degraded, Critical and Failed to Unhealthy. The monitor never runs these checks itself
/// (they carry <see cref="HealthMonitor.OwnCheckTag"/>).
/// </summary>
/// <param name="monitor">The monitor.</param>
/// <param name="component">The component, or <see langword="null"/> for the system roll-up.</param>
public sealed class HealthMonitorHealthCheck(HealthMonitor monitor, string? component = null) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(component is null ? System() : Component(component));

    private static HealthStatus StatusOf(HealthLevel level) => level switch
    {
        HealthLevel.Healthy => HealthStatus.Healthy,
        HealthLevel.Degraded => HealthStatus.Degraded,
        _ => HealthStatus.Unhealthy,
    };

    private static string Describe(ComponentHealth c) =>
        c.AffectedBy.Count == 0 ? $"{c.Name} is {c.Level}: {c.Reason}" : $"{c.Name} is {c.Level}, affected by {string.Join(", ", c.AffectedBy)}: {c.Reason}";

    private HealthCheckResult System()
    {
        SystemHealth system = monitor.GetSystemHealth();
        IReadOnlyList<ComponentHealth> components = system.Components;
        string description = system.Level == HealthLevel.Healthy
            ? $"{components.Count} components healthy"
            : string.Join("; ", components.Where(c => c.Level != HealthLevel.Healthy).OrderBy(c => !c.IsRootCause).Select(Describe));
        var data = components.ToDictionary(c => c.Name, c => (object)$"{c.Level}: {c.Reason}", StringComparer.Ordinal);
        return new HealthCheckResult(StatusOf(system.Level), description, data: data);
    }

    private HealthCheckResult Component(string name)
    {
        if (monitor.GetHealth(name) is not { } health)
        {
            return HealthCheckResult.Healthy($"{name} has not been checked yet");
        }

        var data = health.Metrics.ToDictionary(m => m.Key, m => (object)m.Value, StringComparer.Ordinal);
        if (health.AffectedBy.Count > 0)
        {
            data["affectedBy"] = string.Join(", ", health.AffectedBy);
        }

        return new HealthCheckResult(StatusOf(health.Level), Describe(health), data: data);
    }
}
