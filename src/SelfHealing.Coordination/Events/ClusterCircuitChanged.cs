using SelfHealing.Events;

namespace SelfHealing.Coordination;

/// <summary>A shared circuit opened or closed cluster-wide; every node follows it with its own breaker.</summary>
/// <param name="Source">Always <c>coordination</c>.</param>
/// <param name="Timestamp">When this node saw it.</param>
/// <param name="Circuit">The cluster's view of the circuit after the change.</param>
public sealed record ClusterCircuitChanged(string Source, DateTimeOffset Timestamp, ClusterCircuit Circuit) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
