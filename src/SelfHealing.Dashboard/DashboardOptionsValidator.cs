using Microsoft.Extensions.Options;

namespace SelfHealing.Dashboard;

/// <summary>Validates <see cref="DashboardOptions"/>; each message names the key, the value and what is allowed.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    public const string Section = "SelfHealing:Dashboard";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionErrors(Section);
        if (string.IsNullOrWhiteSpace(options.Title) || options.Title.Length > 100)
        {
            errors.Add(nameof(options.Title), options.Title is null ? "null" : "'" + options.Title + "'", "1 to 100 characters, not only white space");
        }

        if (options.ActionsPolicy is { } policy && string.IsNullOrWhiteSpace(policy))
        {
            errors.Add(nameof(options.ActionsPolicy), "'" + policy + "'", "null, or the name of a policy");
        }

        errors.Range(nameof(options.RefreshInterval), options.RefreshInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        errors.Range(nameof(options.TransitionsPerBreaker), options.TransitionsPerBreaker, 1, 1000);
        errors.Range(nameof(options.GenerationHistory), options.GenerationHistory, 10, 100_000);
        errors.Range(nameof(options.EventHistory), options.EventHistory, 0, 10_000);
        errors.Range(nameof(options.ClosedIncidents), options.ClosedIncidents, 0, 1000);
        return errors.ToResult();
    }
}
