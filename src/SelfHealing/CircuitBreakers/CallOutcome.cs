namespace SelfHealing.CircuitBreakers;

/// <summary>How a call's result or exception counts for the circuit breaker.</summary>
public enum CallOutcome
{
    /// <summary>The call succeeded.</summary>
    Success = 0,

    /// <summary>The call failed with an error.</summary>
    Failure = 1,

    /// <summary>The call failed because it took too long (for example a <see cref="TimeoutException"/>). Counts as a failure, reported apart.</summary>
    Timeout = 2,

    /// <summary>The call is not counted at all (for example cancelled by the caller).</summary>
    Ignored = 3,
}
