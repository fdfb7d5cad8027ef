using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Reports breakers as a health check: Closed and Disabled are healthy, HalfOpen degraded, Open and Isolated what the
/// breaker's <see cref="CircuitBreakerOptions.HealthWhenOpen"/> says (degraded by default: the app is handling the
/// outage). With a name it reports that breaker; without one, the worst of every breaker in the registry. The state is
/// read when the check runs, so the report follows a change at once.
/// </summary>
public sealed class CircuitBreakerHealthCheck : IHealthCheck
{
    private readonly CircuitBreakerRegistry _registry;
    private readonly string? _name;

    /// <summary>Creates the check.</summary>
    /// <param name="registry">The registry to read.</param>
    /// <param name="name">The breaker to report, or <see langword="null"/> for all of them.</param>
    /// <exception cref="ArgumentNullException"><paramref name="registry"/> is <see langword="null"/>.</exception>
    public CircuitBreakerHealthCheck(CircuitBreakerRegistry registry, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _name = name;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_name is not null)
        {
            CircuitBreaker breaker = _registry.GetOrCreate(_name);
            CircuitBreakerSnapshot snapshot = breaker.GetSnapshot();
            return Task.FromResult(new HealthCheckResult(
                StatusOf(snapshot.State, breaker.HealthWhenOpen),
                $"Circuit '{snapshot.Name}' is {snapshot.State}; failure ratio {snapshot.FailureRatio:P1} of {snapshot.TotalCalls} calls.",
                data: DataOf(snapshot)));
        }

        IReadOnlyList<CircuitBreakerSnapshot> snapshots = _registry.GetSnapshots();
        HealthStatus worst = HealthStatus.Healthy;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (CircuitBreakerSnapshot snapshot in snapshots)
        {
            HealthStatus whenOpen = _registry.TryGet(snapshot.Name, out CircuitBreaker? breaker) ? breaker.HealthWhenOpen : HealthStatus.Degraded;
            HealthStatus status = StatusOf(snapshot.State, whenOpen);
            if (status < worst)
            {
                worst = status;
            }

            data[snapshot.Name] = snapshot.State.ToString();
        }

        string[] notClosed = [.. snapshots.Where(s => s.State is not (CircuitState.Closed or CircuitState.Disabled)).Select(s => $"{s.Name} ({s.State})")];
        string description = notClosed.Length == 0
            ? $"All {snapshots.Count} circuits are closed."
            : $"{notClosed.Length} of {snapshots.Count} circuits are not closed: {string.Join(", ", notClosed)}.";
        return Task.FromResult(new HealthCheckResult(worst, description, data: data));
    }

    private static HealthStatus StatusOf(CircuitState state, HealthStatus whenOpen) => state switch
    {
        CircuitState.Closed or CircuitState.Disabled => HealthStatus.Healthy,
        CircuitState.HalfOpen => whenOpen == HealthStatus.Healthy ? HealthStatus.Healthy : HealthStatus.Degraded,
        _ => whenOpen,
    };

    private static Dictionary<string, object> DataOf(CircuitBreakerSnapshot snapshot) => new(StringComparer.Ordinal)
    {
        ["state"] = snapshot.State.ToString(),
        ["totalCalls"] = snapshot.TotalCalls,
        ["failedCalls"] = snapshot.FailedCalls,
        ["slowCalls"] = snapshot.SlowCalls,
        ["failureRatio"] = snapshot.FailureRatio,
        ["failureThreshold"] = snapshot.FailureThreshold,
    };
}
