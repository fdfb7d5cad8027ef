namespace SelfHealing.CircuitBreakers.Health;

/// <summary>Counts read from a sliding window.</summary>
internal readonly record struct WindowCounts(long Total, long Failures, long Slow)
{
    public double FailureRatio => Total == 0 ? 0.0 : (double)Failures / Total;

    public double SlowRatio => Total == 0 ? 0.0 : (double)Slow / Total;
}
