using SelfHealing.Events;

namespace SelfHealing.Chaos;

/// <summary>An injected fault stopped.</summary>
/// <param name="Source">Always <c>chaos</c>.</param>
/// <param name="Timestamp">When it stopped.</param>
/// <param name="FaultId">The fault's id, as in <see cref="ChaosFaultStarted.FaultId"/>.</param>
/// <param name="Fault">The fault.</param>
/// <param name="Reason">Why it stopped.</param>
public sealed record ChaosFaultStopped(string Source, DateTimeOffset Timestamp, string FaultId, ChaosFault Fault, ChaosStopReason Reason) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
