using SelfHealing.Events;

namespace SelfHealing.Configuration;

/// <summary>A new configuration version was applied. Published on the event hub with priority delivery.</summary>
/// <param name="Source">Always <c>configuration</c>.</param>
/// <param name="Timestamp">When it was applied.</param>
/// <param name="Snapshot">The new version.</param>
/// <param name="PreviousVersion">The version it replaced.</param>
/// <param name="Changed">The parameters whose value (or presence) changed.</param>
public sealed record ConfigChanged(string Source, DateTimeOffset Timestamp, ConfigSnapshot Snapshot, long PreviousVersion, IReadOnlyList<string> Changed)
    : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
