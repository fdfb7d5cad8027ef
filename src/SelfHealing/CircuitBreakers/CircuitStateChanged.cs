using SelfHealing.Events;

namespace SelfHealing.CircuitBreakers;

/// <summary>
/// Published on the <see cref="IEventHub"/> (and passed to <see cref="CircuitBreakerOptions.OnStateChanged"/>)
/// each time a breaker changes state.
/// </summary>
/// <param name="Source">The event source, <c>circuit-breaker:{name}</c>.</param>
/// <param name="Timestamp">When the transition happened.</param>
/// <param name="CircuitName">The breaker's name.</param>
/// <param name="PreviousState">The state before.</param>
/// <param name="State">The state after.</param>
/// <param name="Reason">Why, in words, for logs and incident timelines.</param>
/// <param name="FailureRatio">The window's failure ratio at the transition.</param>
/// <param name="BreakDuration">For a transition to <see cref="CircuitState.Open"/>, how long it stays open; otherwise <see langword="null"/>.</param>
public sealed record CircuitStateChanged(
    string Source,
    DateTimeOffset Timestamp,
    string CircuitName,
    CircuitState PreviousState,
    CircuitState State,
    string Reason,
    double FailureRatio,
    TimeSpan? BreakDuration) : SelfHealingEvent(Source, Timestamp)
{
    /// <summary>Gets <see cref="EventDelivery.Guaranteed"/>: recovery depends on seeing every transition.</summary>
    public override EventDelivery Delivery => EventDelivery.Guaranteed;
}
