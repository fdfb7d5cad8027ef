using SelfHealing.Events;

namespace SelfHealing.Health;

/// <summary>A component's level changed. Published on the event hub with priority delivery: recovery reads it.</summary>
/// <param name="Source">Always <c>health</c>.</param>
/// <param name="Timestamp">When the change was decided.</param>
/// <param name="Component">The component.</param>
/// <param name="PreviousLevel">The level before.</param>
/// <param name="Level">The level now.</param>
/// <param name="Reason">Why (the check's own description, or the threshold crossed).</param>
public sealed record HealthChanged(
    string Source,
    DateTimeOffset Timestamp,
    string Component,
    HealthLevel PreviousLevel,
    HealthLevel Level,
    string Reason) : SelfHealingEvent(Source, Timestamp)
{
    /// <summary>Gets the unhealthy dependencies that explain the change (see <see cref="ComponentHealth.AffectedBy"/>); empty for a probable root cause.</summary>
    public IReadOnlyList<string> AffectedBy { get; init; } = [];

    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
