using System.Globalization;
using Microsoft.Extensions.Options;

namespace SelfHealing.Events;

/// <summary>Validates <see cref="EventHubOptions"/>; each message names the key, the value and the allowed range.</summary>
public sealed class EventHubOptionsValidator : IValidateOptions<EventHubOptions>
{
    private const int MaxCapacity = 1 << 20;

    /// <summary>The configuration section the options bind to.</summary>
    internal const string Section = "SelfHealing:Events";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EventHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void ThrowIfInvalid(EventHubOptions options)
    {
        List<string> errors = Check(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }
    }

    private static List<string> Check(EventHubOptions options)
    {
        var errors = new List<string>();
        Capacity(errors, nameof(options.BestEffortCapacity), options.BestEffortCapacity);
        Capacity(errors, nameof(options.GuaranteedCapacity), options.GuaranteedCapacity);
        return errors;
    }

    private static void Capacity(List<string> errors, string property, int value)
    {
        if (value < 1 || value > MaxCapacity)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:{property} is {value}; allowed: 1 to {MaxCapacity:N0}."));
        }
    }
}
