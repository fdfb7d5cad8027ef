using Microsoft.Extensions.Options;

namespace SelfHealing.Events;

/// <summary>Validates <see cref="EventHubOptions"/>; each message names the key, the value and the allowed range.</summary>
internal sealed class EventHubOptionsValidator : IValidateOptions<EventHubOptions>
{
    private const int MaxCapacity = 1 << 20;

    /// <summary>The configuration section the options bind to.</summary>
    internal const string Section = "SelfHealing:Events";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EventHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options).ToResult();
    }

    internal static void ThrowIfInvalid(EventHubOptions options) => Check(options).ThrowIfAny(nameof(options));

    private static OptionErrors Check(EventHubOptions options)
    {
        var errors = new OptionErrors(Section);
        errors.Range(nameof(options.BestEffortCapacity), options.BestEffortCapacity, 1, MaxCapacity);
        errors.Range(nameof(options.PriorityCapacity), options.PriorityCapacity, 1, MaxCapacity);
        return errors;
    }
}
