using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>Configuration values were replicated; every node applies them through adaptive configuration.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Origin">The node that proposed them; <see cref="SnapshotOrigin"/> when they arrived in a snapshot (every replicated value).</param>
/// <param name="Index">The log index of the change (of the last change, for a snapshot).</param>
/// <param name="Values">The values (formatted), by parameter name.</param>
/// <param name="Reason">Why, when given.</param>
public sealed record ConfigUpdate(string Source, DateTimeOffset Timestamp, string Origin, long Index, IReadOnlyDictionary<string, string> Values, string? Reason) : SelfHealingEvent(Source, Timestamp)
{
    /// <summary>The <see cref="Origin"/> of values that reached this node in a snapshot rather than entry by entry.</summary>
    public const string SnapshotOrigin = "snapshot";

    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
