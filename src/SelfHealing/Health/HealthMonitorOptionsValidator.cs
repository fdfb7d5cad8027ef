using Microsoft.Extensions.Options;

namespace SelfHealing.Health;

/// <summary>Validates <see cref="HealthMonitorOptions"/>; each message names the key, the value and the allowed range.</summary>
public sealed class HealthMonitorOptionsValidator : IValidateOptions<HealthMonitorOptions>
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

    private static OptionErrors Check(HealthMonitorOptions o)
    {
        var errors = new OptionErrors(Section);
        errors.Range(nameof(o.DefaultInterval), o.DefaultInterval, MinInterval, MaxInterval);
        foreach ((string check, TimeSpan interval) in o.Intervals)
        {
            errors.Range($"{nameof(o.Intervals)}:{check}", interval, MinInterval, MaxInterval);
        }

        errors.Range(nameof(o.OutcomesToWorsen), o.OutcomesToWorsen, 1, 100);
        errors.Range(nameof(o.OutcomesToRecover), o.OutcomesToRecover, 1, 100);
        return errors;
    }
}
