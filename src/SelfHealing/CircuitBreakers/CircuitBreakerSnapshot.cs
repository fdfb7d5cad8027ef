namespace SelfHealing.CircuitBreakers;

/// <summary>A breaker's state and window at one moment, for dashboards and health checks.</summary>
/// <param name="Name">The breaker's name.</param>
/// <param name="State">The state.</param>
/// <param name="TotalCalls">Calls counted in the current window.</param>
/// <param name="FailedCalls">Failures (errors and timeouts) in the current window.</param>
/// <param name="SlowCalls">Slow calls in the current window.</param>
/// <param name="FailureRatio">Failures over calls in the window (0 for an empty window).</param>
/// <param name="SlowCallRatio">Slow calls over calls in the window (0 for an empty window).</param>
/// <param name="FailureThreshold">The failure ratio that would open the circuit now (adaptive or static).</param>
/// <param name="LastTransition">When the state last changed, or <see langword="null"/> if it never did.</param>
public readonly record struct CircuitBreakerSnapshot(
    string Name,
    CircuitState State,
    long TotalCalls,
    long FailedCalls,
    long SlowCalls,
    double FailureRatio,
    double SlowCallRatio,
    double FailureThreshold,
    DateTimeOffset? LastTransition);
