using SelfHealing.Health;

namespace SelfHealing;

/// <summary>What <see cref="ISelfHealing.DetectAnomalyAsync"/> found wrong with a component.</summary>
/// <param name="Component">The component.</param>
/// <param name="FailureType">The failure type a plan answers: the level's name (see <c>FailureTypes</c>), or <c>CircuitOpen</c> when only the component's breaker is open, or <c>Anomaly</c> when only its metrics look wrong.</param>
/// <param name="Level">The component's level.</param>
/// <param name="Reason">Why, from the health monitor.</param>
/// <param name="RootCause">The probable root cause: the first troubled upstream component, or the component itself.</param>
/// <param name="AffectedBy">The troubled upstream components.</param>
public sealed record Diagnosis(string Component, string FailureType, HealthLevel Level, string Reason, string RootCause, IReadOnlyList<string> AffectedBy)
{
    /// <summary>Gets the kind of trouble, read from the signals in <see cref="Evidence"/>.</summary>
    public FailureKind Kind { get; init; }

    /// <summary>Gets the signals the diagnosis rests on: the component's health and what decided it, its breakers, the troubled upstream components, recent anomalies and forecasts.</summary>
    public IReadOnlyList<DiagnosisEvidence> Evidence { get; init; } = [];
}
