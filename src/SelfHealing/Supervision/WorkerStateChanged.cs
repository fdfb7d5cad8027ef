using SelfHealing.Events;

namespace SelfHealing.Supervision;

/// <summary>A supervised worker or a supervisor moved from one lifecycle state to another.</summary>
/// <param name="Source">Always <c>supervision</c>.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Name">The worker's or supervisor's name.</param>
/// <param name="Supervisor">The supervisor it runs under, or <see langword="null"/> for a root supervisor.</param>
/// <param name="IsSupervisor">Whether <paramref name="Name"/> is a supervisor.</param>
/// <param name="PreviousState">The state it left.</param>
/// <param name="State">The state it entered.</param>
/// <param name="Restarts">How many times it has been restarted since the host started.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record WorkerStateChanged(
    string Source,
    DateTimeOffset Timestamp,
    string Name,
    string? Supervisor,
    bool IsSupervisor,
    WorkerState PreviousState,
    WorkerState State,
    int Restarts,
    string Reason) : SelfHealingEvent(Source, Timestamp)
{
    /// <summary>Gets <see cref="EventDelivery.Priority"/>: lifecycle changes are never dropped.</summary>
    public override EventDelivery Delivery => EventDelivery.Priority;
}
