using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>This node caught up with the leader's committed state.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Node">This node's id.</param>
/// <param name="AppliedIndex">The log index it has applied.</param>
/// <param name="State">The replicated state it now holds.</param>
public sealed record SyncResponse(string Source, DateTimeOffset Timestamp, string Node, long AppliedIndex, ClusterState State) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
