using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>A node asked for a healing lease; applied on every node.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Requester">The node that asked.</param>
/// <param name="Action">What it wants to do.</param>
/// <param name="Granted">Whether it got the lease.</param>
/// <param name="Lease">The lease: the requester's when granted, otherwise the current holder's.</param>
public sealed record HealingRequested(string Source, DateTimeOffset Timestamp, string Requester, string Action, bool Granted, ClusterLease Lease) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
