namespace SelfHealing.CircuitBreakers;

/// <summary>
/// An immutable copy of validated <see cref="CircuitBreakerOptions"/>, with durations converted to
/// <see cref="TimeProvider"/> timestamp units. The breaker swaps the whole object on reload.
/// </summary>
internal sealed class CircuitBreakerSettings
{
    private readonly CircuitBreakerOptions.ResultClassifier[] _resultClassifiers;

    public CircuitBreakerSettings(CircuitBreakerOptions options, TimeProvider time)
    {
        long frequency = time.TimestampFrequency;
        FailureRatio = options.FailureRatio;
        MinimumThroughput = options.MinimumThroughput;
        WindowKind = options.WindowKind;
        BucketCount = options.BucketCount;
        BucketTicks = Math.Max(1, ToTimestamp(options.SamplingDuration, frequency) / options.BucketCount);
        WindowSize = options.WindowSize;
        SlowTicks = options.SlowCallDurationThreshold is { } slow ? ToTimestamp(slow, frequency) : long.MaxValue;
        SlowCallRatio = options.SlowCallRatio;
        BreakDuration = options.BreakDuration;
        BreakDurationGenerator = options.BreakDurationGenerator;
        HalfOpenProbes = options.HalfOpenProbes;
        ProbeSuccessesNeeded = Math.Max(1, (int)Math.Ceiling((options.HalfOpenSuccessRatio * options.HalfOpenProbes) - 1e-9));
        Adaptive = options.AdaptiveThreshold.Copy();
        ClassifyException = options.ClassifyException;
        OnStateChanged = options.OnStateChanged;
        HealthWhenOpen = options.HealthWhenOpen;
        ConsecutiveFailuresToOpen = options.ConsecutiveFailuresToOpen;
        HalfOpenMaxWait = options.HalfOpenMaxWait;
        Timeout = options.Timeout;
        _resultClassifiers = [.. options.ResultClassifiers];
        HasResultClassifiers = _resultClassifiers.Length > 0;
        TracksDuration = options.SlowCallDurationThreshold is not null;
    }

    public double FailureRatio { get; }

    public int MinimumThroughput { get; }

    public SlidingWindowKind WindowKind { get; }

    public int BucketCount { get; }

    public long BucketTicks { get; }

    public int WindowSize { get; }

    public long SlowTicks { get; }

    public double SlowCallRatio { get; }

    public TimeSpan BreakDuration { get; }

    public Func<BreakDurationArguments, TimeSpan>? BreakDurationGenerator { get; }

    public int HalfOpenProbes { get; }

    /// <summary>Gets how many of <see cref="HalfOpenProbes"/> must succeed to close.</summary>
    public int ProbeSuccessesNeeded { get; }

    public AdaptiveThresholdOptions Adaptive { get; }

    public Func<Exception, CallOutcome>? ClassifyException { get; }

    public Action<CircuitStateChanged>? OnStateChanged { get; }

    public Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus HealthWhenOpen { get; }

    public int ConsecutiveFailuresToOpen { get; }

    public TimeSpan? HalfOpenMaxWait { get; }

    public TimeSpan? Timeout { get; }

    public bool HasResultClassifiers { get; }

    public bool TracksDuration { get; }

    public CallOutcome ClassifyResult<TResult>(TResult value)
    {
        foreach (CircuitBreakerOptions.ResultClassifier classifier in _resultClassifiers)
        {
            if (classifier.ResultType == typeof(TResult))
            {
                return ((Func<TResult, CallOutcome>)classifier.Classifier)(value);
            }
        }

        return CallOutcome.Success;
    }

    private static long ToTimestamp(TimeSpan duration, long frequency) =>
        (long)((decimal)duration.Ticks * frequency / TimeSpan.TicksPerSecond);
}
