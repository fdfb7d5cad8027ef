using Microsoft.Extensions.Options;

namespace SelfHealing.Chaos;

/// <summary>Validates <see cref="ChaosOptions"/>; each message names the key, the value and what is allowed.</summary>
internal sealed class ChaosOptionsValidator : IValidateOptions<ChaosOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    public const string Section = "SelfHealing:Chaos";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ChaosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionErrors(Section);
        for (int i = 0; i < options.Faults.Count; i++)
        {
            if (options.Faults[i] is not { } fault)
            {
                errors.AddMessage($"{Section}:Faults:{i} is empty; allowed: a fault with a Kind and a Target.");
                continue;
            }

            var each = new OptionErrors($"{Section}:Faults:{i}");
            fault.Check(each);
            errors.Include(each);
        }

        return errors.ToResult();
    }
}
