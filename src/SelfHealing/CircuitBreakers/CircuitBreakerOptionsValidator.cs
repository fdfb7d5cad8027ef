using Microsoft.Extensions.Options;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Validates <see cref="CircuitBreakerOptions"/>. Each message names the configuration key, the value and
/// the allowed range, for example <c>SelfHealing:CircuitBreakers:payments:FailureRatio is 1.5; allowed: greater than 0 and at most 1.</c>
/// </summary>
internal sealed class CircuitBreakerOptionsValidator : IValidateOptions<CircuitBreakerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(name, options).ToResult();
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem of <paramref name="options"/>.</summary>
    internal static void ThrowIfInvalid(string name, CircuitBreakerOptions options) => Check(name, options).ThrowIfAny(nameof(options));

    private static OptionErrors Check(string? name, CircuitBreakerOptions o)
    {
        var errors = new OptionErrors(string.IsNullOrEmpty(name) ? CircuitBreakerDefaults.ConfigurationSection : $"{CircuitBreakerDefaults.ConfigurationSection}:{name}");
        errors.Positive(nameof(o.FailureRatio), o.FailureRatio);
        errors.Range(nameof(o.MinimumThroughput), o.MinimumThroughput, 1, CircuitBreakerDefaults.MaxMinimumThroughput);
        errors.Defined(nameof(o.WindowKind), o.WindowKind);
        errors.Range(nameof(o.ConsecutiveFailuresToOpen), o.ConsecutiveFailuresToOpen, 0, CircuitBreakerDefaults.MaxMinimumThroughput);
        errors.Range(nameof(o.BucketCount), o.BucketCount, 1, CircuitBreakerDefaults.MaxBucketCount);
        errors.Range(nameof(o.SamplingDuration), o.SamplingDuration, CircuitBreakerDefaults.MinSamplingDuration, CircuitBreakerDefaults.MaxDuration);
        if (o.BucketCount >= 1 && o.SamplingDuration >= CircuitBreakerDefaults.MinSamplingDuration && o.SamplingDuration.Ticks / o.BucketCount < TimeSpan.TicksPerMillisecond)
        {
            errors.Add(nameof(o.SamplingDuration), $"{o.SamplingDuration} with {nameof(o.BucketCount)} {o.BucketCount}", "at least 1 ms per bucket");
        }

        errors.Range(nameof(o.WindowSize), o.WindowSize, 1, CircuitBreakerDefaults.MaxWindowSize);
        if (o.WindowKind == SlidingWindowKind.CountBased && o.WindowSize >= 1 && o.MinimumThroughput > o.WindowSize)
        {
            // A count-based window never holds more calls than its size, so such a breaker could never open.
            errors.Add(nameof(o.MinimumThroughput), o.MinimumThroughput, $"at most {nameof(o.WindowSize)} ({o.WindowSize}) with a count-based window");
        }

        if (o.SlowCallDurationThreshold is { } slow)
        {
            errors.Range(nameof(o.SlowCallDurationThreshold), slow, CircuitBreakerDefaults.MinDuration, CircuitBreakerDefaults.MaxDuration);
        }

        errors.Positive(nameof(o.SlowCallRatio), o.SlowCallRatio);
        errors.Range(nameof(o.BreakDuration), o.BreakDuration, CircuitBreakerDefaults.MinDuration, CircuitBreakerDefaults.MaxDuration);
        errors.Range(nameof(o.HalfOpenProbes), o.HalfOpenProbes, 1, CircuitBreakerDefaults.MaxHalfOpenProbes);
        errors.Positive(nameof(o.HalfOpenSuccessRatio), o.HalfOpenSuccessRatio);
        errors.Defined(nameof(o.HealthWhenOpen), o.HealthWhenOpen);
        if (o.Timeout is { } timeout)
        {
            errors.Range(nameof(o.Timeout), timeout, CircuitBreakerDefaults.MinDuration, CircuitBreakerDefaults.MaxDuration);
        }

        if (o.HalfOpenMaxWait is { } maxWait)
        {
            errors.Range(nameof(o.HalfOpenMaxWait), maxWait, CircuitBreakerDefaults.MinDuration, CircuitBreakerDefaults.MaxDuration);
        }


        AdaptiveThresholdOptions? a = o.AdaptiveThreshold;
        if (a is null)
        {
            errors.Add(nameof(o.AdaptiveThreshold), "null", $"an {nameof(AdaptiveThresholdOptions)} instance");
            return errors;
        }

        string adaptive = nameof(o.AdaptiveThreshold) + ":";
        errors.Positive(adaptive + nameof(a.Margin), a.Margin);
        errors.Positive(adaptive + nameof(a.Floor), a.Floor);
        errors.Positive(adaptive + nameof(a.Ceiling), a.Ceiling);
        if (a.Ceiling < a.Floor)
        {
            errors.Add(adaptive + nameof(a.Ceiling), a.Ceiling, $"at least {nameof(a.Floor)} ({a.Floor.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})");
        }

        errors.Positive(adaptive + nameof(a.Smoothing), a.Smoothing);
        errors.Range(adaptive + nameof(a.WarmupBuckets), a.WarmupBuckets, 1, CircuitBreakerDefaults.MaxWarmupBuckets);
        errors.Range(adaptive + nameof(a.MinimumBucketThroughput), a.MinimumBucketThroughput, 1, CircuitBreakerDefaults.MaxMinimumThroughput);
        return errors;
    }
}
