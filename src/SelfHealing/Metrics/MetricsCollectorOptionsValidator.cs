using Microsoft.Extensions.Options;
using SelfHealing.Metrics.Storage;

namespace SelfHealing.Metrics;

/// <summary>Validates <see cref="MetricsCollectorOptions"/>; each message names the key, the value and the allowed range.</summary>
internal sealed class MetricsCollectorOptionsValidator : IValidateOptions<MetricsCollectorOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    internal const string Section = "SelfHealing:Metrics";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MetricsCollectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options).ToResult();
    }

    internal static void ThrowIfInvalid(MetricsCollectorOptions options) => Check(options).ThrowIfAny(nameof(options));

    private static OptionErrors Check(MetricsCollectorOptions o)
    {
        var errors = new OptionErrors(Section);
        TimeSpan bucket = o.BucketDuration;
        errors.Range(nameof(o.BucketDuration), bucket, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        if (bucket.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            errors.Add(nameof(o.BucketDuration), bucket, "a whole number of milliseconds");
        }

        bool bucketValid = bucket >= TimeSpan.FromMilliseconds(10);
        if (bucketValid && (o.QuantileStep.Ticks % bucket.Ticks != 0 || o.QuantileStep < bucket || o.QuantileStep.Ticks / bucket.Ticks > 3_600))
        {
            errors.Add(nameof(o.QuantileStep), o.QuantileStep, $"a whole multiple of {nameof(o.BucketDuration)} ({bucket}), from 1 to 3,600 buckets");
        }

        if (bucketValid && (o.Retention < o.QuantileStep || o.Retention.Ticks / bucket.Ticks > 100_000))
        {
            errors.Add(nameof(o.Retention), o.Retention, $"at least {nameof(o.QuantileStep)} ({o.QuantileStep}) and at most 100,000 buckets of {bucket}");
        }

        errors.Range(nameof(o.RelativeAccuracy), o.RelativeAccuracy, 0.001, 0.1);
        errors.Range(nameof(o.MaxSeries), o.MaxSeries, 1, 1_000_000);
        errors.Range(nameof(o.MaxSeriesPerMetric), o.MaxSeriesPerMetric, 1, Math.Max(1, o.MaxSeries));
        errors.Range(nameof(o.MaxMetrics), o.MaxMetrics, 1, 100_000);
        if (o.PublishedQuantileRange < bucket || o.PublishedQuantileRange > o.Retention)
        {
            errors.Add(nameof(o.PublishedQuantileRange), o.PublishedQuantileRange, $"{nameof(o.BucketDuration)} ({bucket}) to {nameof(o.Retention)} ({o.Retention})");
        }

        for (int i = 0; i < o.Instruments.Count; i++)
        {
            if (InstrumentPattern.Problem(o.Instruments[i]) is { } problem)
            {
                errors.Add($"{nameof(o.Instruments)}:{i}", o.Instruments[i] ?? "null", problem);
            }
        }

        errors.Include(o.Anomalies.Check(errors.Key(nameof(o.Anomalies))));
        return errors;
    }
}
