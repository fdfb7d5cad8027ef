using System.Globalization;
using Microsoft.Extensions.Options;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Validates <see cref="CircuitBreakerOptions"/>. Each message names the configuration key, the value and
/// the allowed range, for example <c>SelfHealing:CircuitBreakers:payments:FailureRatio is 1.5; allowed: greater than 0 and at most 1.</c>
/// </summary>
public sealed class CircuitBreakerOptionsValidator : IValidateOptions<CircuitBreakerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = Check(name, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem of <paramref name="options"/>.</summary>
    internal static void ThrowIfInvalid(string name, CircuitBreakerOptions options)
    {
        List<string> errors = Check(name, options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }
    }

    private static List<string> Check(string? name, CircuitBreakerOptions o)
    {
        string key = string.IsNullOrEmpty(name) ? CircuitBreakerDefaults.ConfigurationSection : $"{CircuitBreakerDefaults.ConfigurationSection}:{name}";
        var errors = new List<string>();

        Ratio(errors, key, nameof(o.FailureRatio), o.FailureRatio);
        Range(errors, key, nameof(o.MinimumThroughput), o.MinimumThroughput, 1, CircuitBreakerDefaults.MaxMinimumThroughput);
        if (!Enum.IsDefined(o.WindowKind))
        {
            errors.Add($"{key}:{nameof(o.WindowKind)} is {o.WindowKind}; allowed: {string.Join(", ", Enum.GetNames<SlidingWindowKind>())}.");
        }

        Range(errors, key, nameof(o.BucketCount), o.BucketCount, 1, CircuitBreakerDefaults.MaxBucketCount);
        Duration(errors, key, nameof(o.SamplingDuration), o.SamplingDuration, CircuitBreakerDefaults.MinSamplingDuration);
        if (o.BucketCount >= 1 && o.SamplingDuration.Ticks / o.BucketCount < TimeSpan.TicksPerMillisecond && o.SamplingDuration >= CircuitBreakerDefaults.MinSamplingDuration)
        {
            errors.Add($"{key}:{nameof(o.SamplingDuration)} is {o.SamplingDuration} with {nameof(o.BucketCount)} {o.BucketCount}; allowed: at least 1 ms per bucket.");
        }

        Range(errors, key, nameof(o.WindowSize), o.WindowSize, 1, CircuitBreakerDefaults.MaxWindowSize);
        if (o.SlowCallDurationThreshold is { } slow)
        {
            Duration(errors, key, nameof(o.SlowCallDurationThreshold), slow, CircuitBreakerDefaults.MinDuration);
        }

        Ratio(errors, key, nameof(o.SlowCallRatio), o.SlowCallRatio);
        Duration(errors, key, nameof(o.BreakDuration), o.BreakDuration, CircuitBreakerDefaults.MinDuration);
        Range(errors, key, nameof(o.HalfOpenProbes), o.HalfOpenProbes, 1, CircuitBreakerDefaults.MaxHalfOpenProbes);
        Ratio(errors, key, nameof(o.HalfOpenSuccessRatio), o.HalfOpenSuccessRatio);

        AdaptiveThresholdOptions? a = o.AdaptiveThreshold;
        string akey = $"{key}:{nameof(o.AdaptiveThreshold)}";
        if (a is null)
        {
            errors.Add($"{akey} is null; allowed: an {nameof(AdaptiveThresholdOptions)} instance.");
        }
        else
        {
            Ratio(errors, akey, nameof(a.Margin), a.Margin);
            Ratio(errors, akey, nameof(a.Floor), a.Floor);
            Ratio(errors, akey, nameof(a.Ceiling), a.Ceiling);
            if (a.Ceiling < a.Floor)
            {
                errors.Add($"{akey}:{nameof(a.Ceiling)} is {Format(a.Ceiling)}; allowed: at least {nameof(a.Floor)} ({Format(a.Floor)}).");
            }

            Ratio(errors, akey, nameof(a.Smoothing), a.Smoothing);
            Range(errors, akey, nameof(a.WarmupBuckets), a.WarmupBuckets, 1, CircuitBreakerDefaults.MaxWarmupBuckets);
            Range(errors, akey, nameof(a.MinimumBucketThroughput), a.MinimumBucketThroughput, 1, CircuitBreakerDefaults.MaxMinimumThroughput);
        }

        return errors;
    }

    private static void Ratio(List<string> errors, string key, string property, double value)
    {
        if (!(value > 0.0 && value <= 1.0))
        {
            errors.Add($"{key}:{property} is {Format(value)}; allowed: greater than 0 and at most 1.");
        }
    }

    private static void Range(List<string> errors, string key, string property, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{property} is {value}; allowed: {min} to {max:N0}."));
        }
    }

    private static void Duration(List<string> errors, string key, string property, TimeSpan value, TimeSpan min)
    {
        if (value < min || value > CircuitBreakerDefaults.MaxDuration)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{property} is {value}; allowed: {min} to {CircuitBreakerDefaults.MaxDuration}."));
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
