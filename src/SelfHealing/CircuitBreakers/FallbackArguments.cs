namespace SelfHealing.CircuitBreakers;

/// <summary>What a fallback is told about the call it answers for.</summary>
/// <param name="CircuitName">The breaker's name.</param>
/// <param name="Status">Why the fallback is used: <see cref="CircuitBreakerResultStatus.Failure"/> or <see cref="CircuitBreakerResultStatus.Rejected"/>.</param>
/// <param name="Exception">The call's exception, if it threw.</param>
/// <param name="RejectedState">The state that rejected the call, for a rejection.</param>
public readonly record struct FallbackArguments(string CircuitName, CircuitBreakerResultStatus Status, Exception? Exception, CircuitState? RejectedState);
