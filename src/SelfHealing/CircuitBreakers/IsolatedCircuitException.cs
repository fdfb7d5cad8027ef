namespace SelfHealing.CircuitBreakers;

/// <summary>Thrown by the throwing API when a call is rejected because the circuit was isolated by hand.</summary>
public sealed class IsolatedCircuitException : BrokenCircuitException
{
    /// <summary>Creates the exception with a default message.</summary>
    public IsolatedCircuitException()
        : base("The circuit is isolated; the call was rejected.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public IsolatedCircuitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public IsolatedCircuitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private IsolatedCircuitException(string circuitName, CircuitState state)
        : base(circuitName, state, null, $"The circuit '{circuitName}' is isolated by hand; the call was rejected until it is reset.")
    {
    }

    internal static IsolatedCircuitException For(string circuitName) => new(circuitName, CircuitState.Isolated);
}
