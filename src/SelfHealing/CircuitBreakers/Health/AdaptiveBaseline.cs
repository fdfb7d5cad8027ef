namespace SelfHealing.CircuitBreakers.Health;

/// <summary>
/// An exponentially weighted baseline of the failure ratio in healthy buckets. Buckets whose ratio reaches
/// the current threshold are not learned, so an outage does not teach the breaker to tolerate it.
/// </summary>
internal sealed class AdaptiveBaseline
{
    private readonly Lock _gate = new();
    private double _baseline;
    private int _learned;
    private double _threshold;

    public AdaptiveBaseline(double initialThreshold) => _threshold = initialThreshold;

    /// <summary>Gets the threshold in force, recomputed whenever a bucket is learned.</summary>
    public double Threshold => Volatile.Read(ref _threshold);

    public void Observe(long calls, long failures, CircuitBreakerSettings settings)
    {
        AdaptiveThresholdOptions options = settings.Adaptive;
        if (calls < options.MinimumBucketThroughput)
        {
            return;
        }

        double ratio = (double)failures / calls;
        lock (_gate)
        {
            if (ratio >= _threshold)
            {
                return;
            }

            _baseline = _learned == 0 ? ratio : _baseline + (options.Smoothing * (ratio - _baseline));
            _learned++;
            Volatile.Write(ref _threshold, Compute(settings));
        }
    }

    /// <summary>Recomputes the threshold after options changed.</summary>
    public void Refresh(CircuitBreakerSettings settings)
    {
        lock (_gate)
        {
            Volatile.Write(ref _threshold, Compute(settings));
        }
    }

    private double Compute(CircuitBreakerSettings settings)
    {
        AdaptiveThresholdOptions options = settings.Adaptive;
        return _learned < options.WarmupBuckets
            ? settings.FailureRatio
            : Math.Clamp(_baseline + options.Margin, options.Floor, options.Ceiling);
    }
}
