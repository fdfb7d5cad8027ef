namespace SelfHealing.CircuitBreakers;

/// <summary>Thrown by the throwing API when a call is rejected because the circuit is open or out of half-open probes.</summary>
public class BrokenCircuitException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public BrokenCircuitException()
        : this("The circuit is open; the call was rejected.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public BrokenCircuitException(string message)
        : base(message)
    {
        CircuitName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public BrokenCircuitException(string message, Exception innerException)
        : base(message, innerException)
    {
        CircuitName = string.Empty;
    }

    /// <summary>Creates the exception for a rejection.</summary>
    /// <param name="circuitName">The breaker's name.</param>
    /// <param name="state">The state that rejected the call.</param>
    /// <param name="retryAfter">How long until the circuit lets probes through, when known.</param>
    public BrokenCircuitException(string circuitName, CircuitState state, TimeSpan? retryAfter)
        : this(circuitName, state, retryAfter, retryAfter is { } r
            ? $"The circuit '{circuitName}' is {state}; the call was rejected. Probes are let through in {r}."
            : $"The circuit '{circuitName}' is {state}; the call was rejected.")
    {
    }

    /// <summary>Creates the exception for a rejection, with its own message.</summary>
    /// <param name="circuitName">The breaker's name.</param>
    /// <param name="state">The state that rejected the call.</param>
    /// <param name="retryAfter">How long until the circuit lets probes through, when known.</param>
    /// <param name="message">The message.</param>
    protected BrokenCircuitException(string circuitName, CircuitState state, TimeSpan? retryAfter, string message)
        : base(message)
    {
        CircuitName = circuitName;
        State = state;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the breaker's name.</summary>
    public string CircuitName { get; }

    /// <summary>Gets the state that rejected the call.</summary>
    public CircuitState State { get; }

    /// <summary>Gets how long until the circuit lets probes through, when known.</summary>
    public TimeSpan? RetryAfter { get; }
}
