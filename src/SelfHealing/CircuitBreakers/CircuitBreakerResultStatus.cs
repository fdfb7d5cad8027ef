namespace SelfHealing.CircuitBreakers;

/// <summary>What happened to a call made through a <see cref="CircuitBreaker"/>.</summary>
public enum CircuitBreakerResultStatus
{
    /// <summary>The call ran and produced a value that is not classified as a failure.</summary>
    Success = 0,

    /// <summary>The call ran and threw, or produced a value classified as a failure.</summary>
    Failure = 1,

    /// <summary>The call did not run because the circuit is open, isolated, or out of half-open probes.</summary>
    Rejected = 2,
}
