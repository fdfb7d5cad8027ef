namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Makes the failure threshold follow the dependency's normal failure ratio: the breaker keeps an
/// exponentially weighted baseline of the ratio in healthy buckets and opens when the current ratio exceeds
/// <c>baseline + Margin</c>, clamped to [<see cref="Floor"/>, <see cref="Ceiling"/>].
/// </summary>
public sealed class AdaptiveThresholdOptions
{
    /// <summary>Gets or sets a value indicating whether the adaptive threshold is used.</summary>
    /// <value>Default <see langword="false"/>: the static <see cref="CircuitBreakerOptions.FailureRatio"/> is used.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets how far above the learned baseline the failure ratio must rise to open the circuit.</summary>
    /// <value>Default 0.2; allowed greater than 0 and at most 1.</value>
    public double Margin { get; set; } = 0.2;

    /// <summary>Gets or sets the lowest threshold the breaker ever uses, however clean the baseline.</summary>
    /// <value>Default 0.1; allowed greater than 0 and at most 1.</value>
    public double Floor { get; set; } = 0.1;

    /// <summary>Gets or sets the highest threshold the breaker ever uses, however noisy the baseline.</summary>
    /// <value>Default 0.9; allowed from <see cref="Floor"/> to 1.</value>
    public double Ceiling { get; set; } = 0.9;

    /// <summary>Gets or sets the weight of the newest bucket in the baseline (the EWMA's alpha).</summary>
    /// <value>Default 0.05; allowed greater than 0 and at most 1.</value>
    public double Smoothing { get; set; } = 0.05;

    /// <summary>
    /// Gets or sets how many completed buckets (time-based window) or full windows (count-based) are learned
    /// before the adaptive threshold replaces <see cref="CircuitBreakerOptions.FailureRatio"/>.
    /// </summary>
    /// <value>Default 5; allowed 1 to 10,000.</value>
    public int WarmupBuckets { get; set; } = 5;

    /// <summary>Gets or sets the fewest calls a bucket must hold to be learned; emptier buckets say too little.</summary>
    /// <value>Default 10; allowed 1 to 1,000,000.</value>
    public int MinimumBucketThroughput { get; set; } = 10;

    internal AdaptiveThresholdOptions Copy() => (AdaptiveThresholdOptions)MemberwiseClone();
}
