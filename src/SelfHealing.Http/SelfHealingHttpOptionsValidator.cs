using Microsoft.Extensions.Options;

namespace SelfHealing.Http;

/// <summary>Checks a client's <see cref="SelfHealingHttpOptions"/>; every message names the key, the value and what is allowed.</summary>
internal sealed class SelfHealingHttpOptionsValidator : IValidateOptions<SelfHealingHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, SelfHealingHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionErrors($"{SelfHealingHttpOptions.ConfigurationSection}:{HttpBreakerNames.ClientName(name)}");
        errors.Defined(nameof(options.Scope), options.Scope);
        if (options.Scope == HttpBreakerScope.Named)
        {
            if (string.IsNullOrWhiteSpace(options.BreakerName))
            {
                errors.AddMessage($"{errors.Key(nameof(options.BreakerName))} is empty; a breaker name is required when {errors.Key(nameof(options.Scope))} is Named.");
            }
            else
            {
                try
                {
                    ComponentNames.ThrowIfInvalid(options.BreakerName, nameof(options.BreakerName));
                }
                catch (ArgumentException ex)
                {
                    errors.AddMessage($"{errors.Key(nameof(options.BreakerName))}: {ex.Message.Split(" (Parameter", 2)[0]}");
                }
            }

            if (options.ConfigureBreaker is not null)
            {
                // It would be ignored: a named breaker is shared, and keeps the options it was declared with.
                errors.AddMessage($"{errors.Key(nameof(options.ConfigureBreaker))} is set, but a Named breaker takes its options from AddCircuitBreaker(\"{options.BreakerName}\", ...) or SelfHealing:CircuitBreakers:{options.BreakerName} (its Timeout there is the attempt timeout); leave ConfigureBreaker unset, or use Scope PerAuthority or PerClient.");
            }
        }

        if (options.AttemptTimeout is { } timeout)
        {
            errors.Range(nameof(options.AttemptTimeout), timeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        }

        errors.Range(nameof(options.MaxRetryAfter), options.MaxRetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        return errors.ToResult();
    }
}
