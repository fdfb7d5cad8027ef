namespace SelfHealing.CircuitBreakers;

/// <summary>Why a circuit changed state.</summary>
public enum CircuitTransitionCause
{
    /// <summary>The failure ratio in the window reached the threshold.</summary>
    FailureRatio = 0,

    /// <summary>The slow-call ratio in the window reached its threshold.</summary>
    SlowCallRatio = 1,

    /// <summary>The break duration elapsed; probes may run.</summary>
    BreakElapsed = 2,

    /// <summary>Enough half-open probes succeeded.</summary>
    ProbesSucceeded = 3,

    /// <summary>Too many half-open probes failed for the success ratio to be reached.</summary>
    ProbesFailed = 4,

    /// <summary><see cref="CircuitBreaker.Reset"/> was called.</summary>
    Reset = 5,

    /// <summary><see cref="CircuitBreaker.Isolate"/> was called.</summary>
    Isolated = 6,

    /// <summary><see cref="CircuitBreaker.Disable"/> was called.</summary>
    Disabled = 7,

    /// <summary><see cref="CircuitBreakerOptions.ConsecutiveFailuresToOpen"/> calls in a row failed.</summary>
    ConsecutiveFailures = 8,

    /// <summary>A half-open probe had not completed within <see cref="CircuitBreakerOptions.HalfOpenMaxWait"/>; it counts as failed.</summary>
    ProbesTimedOut = 9,
}
