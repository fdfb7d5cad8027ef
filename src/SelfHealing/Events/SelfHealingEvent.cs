using System.Diagnostics;
using System.Text.Json.Serialization;

namespace SelfHealing.Events;

/// <summary>
/// Base type of every event published on the <see cref="IEventHub"/>. Events are immutable records.
/// </summary>
/// <param name="Source">The component that raised the event, for example <c>circuit-breaker:payments</c>.</param>
/// <param name="Timestamp">When the event happened, read from the component's <see cref="TimeProvider"/>.</param>
public abstract record SelfHealingEvent(string Source, DateTimeOffset Timestamp)
{
    /// <summary>
    /// Gets how the hub treats this event when a subscriber lags. Recovery-relevant events override this
    /// to return <see cref="EventDelivery.Priority"/>.
    /// </summary>
    public virtual EventDelivery Delivery => EventDelivery.BestEffort;

    /// <summary>
    /// Gets the trace context of the span that was current where the event was raised (for example the request whose
    /// call opened a breaker), or <see langword="default"/> when none was. An incident opened by the event links its
    /// trace to it.
    /// </summary>
    [JsonIgnore]
    public ActivityContext TraceContext { get; init; } = Activity.Current?.Context ?? default;
}
