using Microsoft.Extensions.Options;
using SelfHealing.Health;

namespace SelfHealing.Recovery;

/// <summary>Validates <see cref="RecoveryOptions"/>; each message names the key, the value and what is allowed.</summary>
internal sealed class RecoveryOptionsValidator : IValidateOptions<RecoveryOptions>
{
    /// <summary>The configuration section the options bind to.</summary>
    internal const string Section = "SelfHealing:Recovery";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RecoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options).ToResult();
    }

    internal static void ThrowIfInvalid(RecoveryOptions options) => Check(options).ThrowIfAny(nameof(options));

    private static OptionErrors Check(RecoveryOptions o)
    {
        var errors = new OptionErrors(Section);
        errors.Defined(nameof(o.TriggerLevel), o.TriggerLevel);
        if (o.TriggerLevel == HealthLevel.Healthy)
        {
            errors.Add(nameof(o.TriggerLevel), o.TriggerLevel, "Degraded, Critical or Failed");
        }

        errors.Defined(nameof(o.RecoveredLevel), o.RecoveredLevel);
        if (o.RecoveredLevel >= o.TriggerLevel)
        {
            errors.Add(nameof(o.RecoveredLevel), o.RecoveredLevel, $"a level below {nameof(o.TriggerLevel)} ({o.TriggerLevel})");
        }

        errors.Range(nameof(o.VerificationTimeout), o.VerificationTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        errors.Range(nameof(o.VerificationInterval), o.VerificationInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        errors.Defined(nameof(o.AutoApproveUpTo), o.AutoApproveUpTo);
        errors.Range(nameof(o.ApprovalTimeout), o.ApprovalTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1));
        foreach ((RecoveryStrategy strategy, RiskLevel risk) in o.Risks)
        {
            errors.Defined($"{nameof(o.Risks)}:{strategy}", risk);
        }

        errors.Range(nameof(o.CorrelationWindow), o.CorrelationWindow, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        errors.Range(nameof(o.DiagnosisWindow), o.DiagnosisWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        errors.Range(nameof(o.FallbackReturnAfter), o.FallbackReturnAfter, TimeSpan.Zero, TimeSpan.FromDays(1));
        errors.Range(nameof(o.IncidentHistory), o.IncidentHistory, 1, 1_000_000);
        errors.Range(nameof(o.MinimumSamplesToLearn), o.MinimumSamplesToLearn, 1, 1000);
        for (int i = 0; i < o.Plans.Count; i++)
        {
            errors.Include(o.Plans[i].Check(errors.Key($"{nameof(o.Plans)}:{i}")));
        }

        foreach (IGrouping<(string, string?), RecoveryPlan> twice in o.Plans.GroupBy(p => (p.FailureType, p.Component)).Where(g => g.Count() > 1))
        {
            errors.AddMessage($"{errors.Key(nameof(o.Plans))} has {twice.Count()} plans for failure type '{twice.Key.Item1}' and component '{twice.Key.Item2 ?? "(any)"}'; allowed: one.");
        }
        return errors;
    }
}
