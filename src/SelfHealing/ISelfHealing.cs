using SelfHealing.Health;
using SelfHealing.Recovery;

namespace SelfHealing;

/// <summary>
/// The self-healing loop as one interface: detect, select a response, apply it, verify, learn, and the health of
/// the whole system. <c>AddSelfHealing()</c> registers it; the loop also runs on its own from the event hub,
/// so this is for code that wants to drive or inspect it (an admin endpoint, a runbook, a test).
/// </summary>
public interface ISelfHealing
{
    /// <summary>
    /// Checks a component now and tells what is wrong with it, joining every signal the library has about it: its
    /// health (checks, probes, reports, thresholds, and which of them decided), its breaker, the troubled components
    /// it depends on, and recent anomalies and forecasts of its metrics. The diagnosis names a
    /// <see cref="FailureKind"/>, the probable root cause and the evidence.
    /// </summary>
    /// <param name="component">The component (a health component, a health check, or a breaker's name).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The diagnosis, or <see langword="null"/> when no signal shows trouble (or the name is unknown).</returns>
    ValueTask<Diagnosis?> DetectAnomalyAsync(string component, CancellationToken cancellationToken = default);

    /// <summary>Selects the plan that answers a diagnosis, in the order its strategies would be tried.</summary>
    /// <param name="diagnosis">The diagnosis.</param>
    /// <returns>A copy of the plan.</returns>
    RecoveryPlan SelectResponse(Diagnosis diagnosis);

    /// <summary>Runs the recovery of a diagnosed component with the plan the manager selects (or joins the one running) and waits for it to end.</summary>
    /// <param name="diagnosis">The diagnosis.</param>
    /// <param name="cancellationToken">Stops waiting (the recovery goes on).</param>
    /// <returns>The incident as the recovery left it.</returns>
    Task<Incident> ApplyResponseAsync(Diagnosis diagnosis, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="plan"/> for a diagnosed component (for example the plan <see cref="SelectResponse"/>
    /// returned, edited) and waits for it to end; a recovery already running for the component is joined instead.
    /// </summary>
    /// <param name="diagnosis">The diagnosis.</param>
    /// <param name="plan">The plan to run, validated like a configured plan.</param>
    /// <param name="cancellationToken">Stops waiting (the recovery goes on).</param>
    /// <returns>The incident as the recovery left it.</returns>
    Task<Incident> ApplyResponseAsync(Diagnosis diagnosis, RecoveryPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Tells whether a component counts as recovered now.</summary>
    /// <param name="component">The component.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether it is at or below the recovered level.</returns>
    ValueTask<bool> VerifyRecoveryAsync(string component, CancellationToken cancellationToken = default);

    /// <summary>Adds an incident's attempts to the statistics the plans are reordered by (once per incident).</summary>
    /// <param name="incident">The incident.</param>
    /// <param name="cancellationToken">Cancels storing.</param>
    /// <returns>Whether the incident was new to the statistics.</returns>
    ValueTask<bool> LearnFromIncidentAsync(Incident incident, CancellationToken cancellationToken = default);

    /// <summary>Rolls every component up along the dependency graph.</summary>
    /// <returns>The system's health.</returns>
    SystemHealth GetHealthStatus();

    /// <summary>Gets a healable component's healing level, or <see langword="null"/> for a component that is not healable.</summary>
    /// <param name="component">The component.</param>
    /// <returns>Its level.</returns>
    HealingLevel? GetHealingLevel(string component);
}
