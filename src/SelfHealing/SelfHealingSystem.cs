using Microsoft.Extensions.Options;
using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing;

/// <summary>The <see cref="ISelfHealing"/> facade over the health monitor and the recovery manager.</summary>
/// <param name="monitor">The health monitor.</param>
/// <param name="recovery">The recovery manager.</param>
/// <param name="options">The recovery options (trigger level).</param>
public sealed class SelfHealingSystem(HealthMonitor monitor, RecoveryManager recovery, IOptionsMonitor<RecoveryOptions> options) : ISelfHealing
{
    /// <inheritdoc />
    public async ValueTask<Diagnosis?> DetectAnomalyAsync(string component, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        await monitor.CheckNowAsync(component).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (monitor.GetHealth(component) is not { } health || health.Level < options.CurrentValue.TriggerLevel)
        {
            return null;
        }

        return new Diagnosis(component, health.Level.ToString(), health.Level, health.Reason, health.AffectedBy.Count > 0 ? health.AffectedBy[0] : component, health.AffectedBy);
    }

    /// <inheritdoc />
    public RecoveryPlan SelectResponse(Diagnosis diagnosis)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        return recovery.SelectPlan(diagnosis.Component, diagnosis.FailureType);
    }

    /// <inheritdoc />
    public Task<Incident> ApplyResponseAsync(Diagnosis diagnosis, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        return recovery.RecoverAsync(diagnosis.Component, diagnosis.FailureType, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> VerifyRecoveryAsync(string component, CancellationToken cancellationToken = default) =>
        recovery.IsRecoveredAsync(component, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> LearnFromIncidentAsync(Incident incident, CancellationToken cancellationToken = default) =>
        recovery.LearnFromIncidentAsync(incident, cancellationToken);

    /// <inheritdoc />
    public SystemHealth GetHealthStatus() => monitor.GetSystemHealth();

    /// <inheritdoc />
    public HealingLevel? GetHealingLevel(string component) => recovery.LevelOf(component);
}
