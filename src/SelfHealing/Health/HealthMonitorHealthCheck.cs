using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.Health;

/// <summary>
/// The monitor's view as a health check, so <c>MapHealthChecks</c> shows it: the worst component level
/// (Degraded as Degraded, Critical and Failed as Unhealthy), each component's level and reason in the data.
/// The monitor never runs this check itself (it carries <see cref="HealthMonitor.OwnCheckTag"/>).
/// </summary>
public sealed class HealthMonitorHealthCheck(HealthMonitor monitor) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyCollection<ComponentHealth> components = monitor.Components;
        HealthLevel worst = components.Count == 0 ? HealthLevel.Healthy : components.Max(c => c.Level);
        HealthStatus status = worst switch
        {
            HealthLevel.Healthy => HealthStatus.Healthy,
            HealthLevel.Degraded => HealthStatus.Degraded,
            _ => HealthStatus.Unhealthy,
        };
        string description = worst == HealthLevel.Healthy
            ? $"{components.Count} components healthy"
            : string.Join("; ", components.Where(c => c.Level != HealthLevel.Healthy).Select(c => $"{c.Name} is {c.Level}: {c.Reason}"));
        var data = components.ToDictionary(c => c.Name, c => (object)$"{c.Level}: {c.Reason}", StringComparer.Ordinal);
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }
}
