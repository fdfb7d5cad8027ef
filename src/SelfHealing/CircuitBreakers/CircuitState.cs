namespace SelfHealing.CircuitBreakers;

/// <summary>The state of a <see cref="CircuitBreaker"/>.</summary>
public enum CircuitState
{
    /// <summary>Calls flow; outcomes are recorded in the sliding window.</summary>
    Closed = 0,

    /// <summary>Calls are rejected without running until the break duration elapses.</summary>
    Open = 1,

    /// <summary>A limited number of probe calls run; their success ratio decides whether to close or reopen.</summary>
    HalfOpen = 2,

    /// <summary>Forced open by <see cref="CircuitBreaker.Isolate"/>; stays open until <see cref="CircuitBreaker.Reset"/>.</summary>
    Isolated = 3,

    /// <summary>Set by <see cref="CircuitBreaker.Disable"/>: every call runs and is recorded, but the circuit never opens.</summary>
    Disabled = 4,
}
