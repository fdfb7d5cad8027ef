using SelfHealing.Events;

namespace SelfHealing.Recovery;

/// <summary>An incident opened, moved or closed. Published on the event hub with priority delivery.</summary>
/// <param name="Source">Always <c>recovery</c>.</param>
/// <param name="Timestamp">When it changed.</param>
/// <param name="Incident">The incident as it stands.</param>
public sealed record IncidentChanged(string Source, DateTimeOffset Timestamp, Incident Incident) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
