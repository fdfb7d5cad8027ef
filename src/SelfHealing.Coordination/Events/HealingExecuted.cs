using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>A lease holder finished its action and gave the lease back; applied on every node.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Lease">The lease that was given back.</param>
/// <param name="Succeeded">Whether the action worked; <see langword="null"/> when the holder did not say.</param>
/// <param name="Detail">What the holder said about it.</param>
public sealed record HealingExecuted(string Source, DateTimeOffset Timestamp, ClusterLease Lease, bool? Succeeded, string? Detail) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
