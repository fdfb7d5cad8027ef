namespace SelfHealing.CircuitBreakers;

/// <summary>The defaults and allowed ranges of <see cref="CircuitBreakerOptions"/>, in one place.</summary>
internal static class CircuitBreakerDefaults
{
    public const double FailureRatio = 0.5;
    public const int MinimumThroughput = 10;
    public const int BucketCount = 10;
    public const int WindowSize = 100;
    public const double SlowCallRatio = 1.0;
    public const int HalfOpenProbes = 1;
    public const double HalfOpenSuccessRatio = 1.0;

    public const int MaxMinimumThroughput = 1_000_000;
    public const int MaxBucketCount = 1_000;
    public const int MaxWindowSize = 1_000_000;
    public const int MaxHalfOpenProbes = 1_000;
    public const int MaxWarmupBuckets = 10_000;

    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MinSamplingDuration = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MinDuration = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>The configuration section under which named breakers are bound.</summary>
    public const string ConfigurationSection = "SelfHealing:CircuitBreakers";
}
