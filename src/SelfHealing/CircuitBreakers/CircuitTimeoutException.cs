namespace SelfHealing.CircuitBreakers;

/// <summary>
/// A call through a breaker ran past <see cref="CircuitBreakerOptions.Timeout"/>: the operation's token was cancelled
/// and the call counted as a <see cref="CallOutcome.Timeout"/>.
/// </summary>
public sealed class CircuitTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CircuitTimeoutException()
        : this("The call did not complete within the breaker's timeout.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public CircuitTimeoutException(string message)
        : base(message)
    {
        CircuitName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public CircuitTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        CircuitName = string.Empty;
    }

    /// <summary>Creates the exception for a call that timed out.</summary>
    /// <param name="circuitName">The breaker's name.</param>
    /// <param name="timeout">The timeout that passed.</param>
    /// <param name="innerException">What the operation threw when its token was cancelled, if anything.</param>
    public CircuitTimeoutException(string circuitName, TimeSpan timeout, Exception? innerException)
        : base($"The call through circuit '{circuitName}' did not complete within its timeout of {timeout}; its token was cancelled.", innerException)
    {
        CircuitName = circuitName;
        Timeout = timeout;
    }

    /// <summary>Gets the breaker's name.</summary>
    public string CircuitName { get; }

    /// <summary>Gets the timeout that passed.</summary>
    public TimeSpan Timeout { get; }
}
