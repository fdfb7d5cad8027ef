using SelfHealing.Events;

namespace SelfHealing.Chaos;

/// <summary>A fault was injected: the ground truth a validation run or a dashboard compares the loop's reactions with.</summary>
/// <param name="Source">Always <c>chaos</c>.</param>
/// <param name="Timestamp">When the fault started.</param>
/// <param name="FaultId">The fault's id, unique in the process.</param>
/// <param name="Fault">The fault.</param>
public sealed record ChaosFaultStarted(string Source, DateTimeOffset Timestamp, string FaultId, ChaosFault Fault) : SelfHealingEvent(Source, Timestamp)
{
    /// <inheritdoc />
    public override EventDelivery Delivery => EventDelivery.Priority;
}
