namespace SelfHealing.CircuitBreakers;

/// <summary>What a break duration generator is told when the circuit opens.</summary>
/// <param name="CircuitName">The breaker's name.</param>
/// <param name="ConsecutiveOpenings">How many times the circuit has opened since it was last closed, this time included (1 the first time).</param>
/// <param name="BaseDuration">The configured <see cref="CircuitBreakerOptions.BreakDuration"/>.</param>
/// <param name="FailureRatio">The failure ratio that opened the circuit (0 for a failed half-open probe set that had no window).</param>
public readonly record struct BreakDurationArguments(string CircuitName, int ConsecutiveOpenings, TimeSpan BaseDuration, double FailureRatio);
