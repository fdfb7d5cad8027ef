namespace SelfHealing.CircuitBreakers;

/// <summary>How a <see cref="CircuitBreaker"/> remembers recent outcomes.</summary>
public enum SlidingWindowKind
{
    /// <summary>
    /// Outcomes of the last <see cref="CircuitBreakerOptions.SamplingDuration"/>, in
    /// <see cref="CircuitBreakerOptions.BucketCount"/> time buckets.
    /// </summary>
    TimeBased = 0,

    /// <summary>Outcomes of the last <see cref="CircuitBreakerOptions.WindowSize"/> calls.</summary>
    CountBased = 1,
}
