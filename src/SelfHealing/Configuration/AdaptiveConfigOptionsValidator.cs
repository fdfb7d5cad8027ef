using Microsoft.Extensions.Options;

namespace SelfHealing.Configuration;

/// <summary>Validates <see cref="AdaptiveConfigOptions"/>; each message names the key, the value and what is allowed.</summary>
internal sealed class AdaptiveConfigOptionsValidator : IValidateOptions<AdaptiveConfigOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    internal const string Section = "SelfHealing:Configuration";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AdaptiveConfigOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options).ToResult();
    }

    internal static void ThrowIfInvalid(AdaptiveConfigOptions options) => Check(options).ThrowIfAny(nameof(options));

    private static OptionErrors Check(AdaptiveConfigOptions o)
    {
        var errors = new OptionErrors(Section);
        errors.Range(nameof(o.HistorySize), o.HistorySize, 2, 10_000);
        errors.Range(nameof(o.GuardWindow), o.GuardWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        return errors;
    }
}
