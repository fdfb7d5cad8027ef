using Microsoft.Extensions.Options;

namespace SelfHealing.Health;

/// <summary>Validates <see cref="HealthMonitorOptions"/>; each message names the key, the value and the allowed range.</summary>
internal sealed class HealthMonitorOptionsValidator : IValidateOptions<HealthMonitorOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    internal const string Section = "SelfHealing:Health";

    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HealthMonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options).ToResult();
    }

    internal static void ThrowIfInvalid(HealthMonitorOptions options) => Check(options).ThrowIfAny(nameof(options));

    internal static void CheckInterval(OptionErrors errors, string property, TimeSpan interval) =>
        errors.Range(property, interval, MinInterval, MaxInterval);

    private static OptionErrors Check(HealthMonitorOptions o)
    {
        var errors = new OptionErrors(Section);
        CheckInterval(errors, nameof(o.DefaultInterval), o.DefaultInterval);
        foreach ((string check, TimeSpan interval) in o.Intervals)
        {
            CheckInterval(errors, $"{nameof(o.Intervals)}:{check}", interval);
        }

        errors.Range(nameof(o.OutcomesToWorsen), o.OutcomesToWorsen, 1, 100);
        errors.Range(nameof(o.OutcomesToRecover), o.OutcomesToRecover, 1, 100);
        errors.Range(nameof(o.ProbeTimeout), o.ProbeTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        errors.Range(nameof(o.PredictionSamples), o.PredictionSamples, 8, 1000);
        errors.Range(nameof(o.HistorySize), o.HistorySize, Math.Max(10, o.PredictionSamples), 100_000);
        errors.Range(nameof(o.PredictionHorizon), o.PredictionHorizon, TimeSpan.Zero, TimeSpan.FromDays(1));
        errors.Range(nameof(o.PredictionInterval), o.PredictionInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        foreach ((string component, HealthComponentOptions c) in o.Components)
        {
            string key = $"{nameof(o.Components)}:{component}";
            if (string.IsNullOrWhiteSpace(component))
            {
                errors.AddMessage($"{errors.Key(key)} has an empty name; allowed: a component name.");
            }

            foreach (string dependency in c.DependsOn)
            {
                if (string.IsNullOrWhiteSpace(dependency) || dependency == component)
                {
                    errors.Add($"{key}:{nameof(c.DependsOn)}", $"'{dependency}'", "the name of another component");
                }
            }

            foreach ((string metric, MetricThreshold threshold) in c.Thresholds)
            {
                errors.Include(threshold.Check(errors.Key($"{key}:{nameof(c.Thresholds)}:{metric}")));
            }

            foreach ((string metric, CollectorMetricSource source) in c.Metrics)
            {
                string sourceKey = $"{key}:{nameof(c.Metrics)}:{metric}";
                if (string.IsNullOrWhiteSpace(source.Metric))
                {
                    errors.Add($"{sourceKey}:{nameof(source.Metric)}", "empty", "the name of a collector metric");
                }

                errors.Defined($"{sourceKey}:{nameof(source.Statistic)}", source.Statistic);
                errors.Range($"{sourceKey}:{nameof(source.Window)}", source.Window, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
            }
        }

        return errors;
    }
}
