namespace SelfHealing.Events;

/// <summary>
/// The one way components talk asynchronously. Publishers write immutable events; each subscriber reads
/// its own bounded channel, so a slow subscriber never slows a publisher or another subscriber.
/// </summary>
public interface IEventHub
{
    /// <summary>
    /// Publishes an event to every current subscriber whose filter accepts it. Never blocks.
    /// </summary>
    /// <param name="message">The event to publish.</param>
    /// <returns><see langword="false"/> when the hub has been completed and the event went nowhere.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    bool Publish(SelfHealingEvent message);

    /// <summary>
    /// Creates a subscription with its own buffers. Dispose it to stop receiving events.
    /// </summary>
    /// <param name="name">A name for the subscriber, used in logs and in the dropped-events metric.</param>
    /// <param name="filter">Optional predicate; only events it accepts are delivered.</param>
    /// <returns>The subscription, whose <see cref="EventSubscription.Reader"/> yields the events.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or white space.</exception>
    /// <exception cref="InvalidOperationException">The hub has been completed.</exception>
    EventSubscription Subscribe(string name, Func<SelfHealingEvent, bool>? filter = null);

    /// <summary>Gets the number of events dropped across all subscriptions since the hub was created.</summary>
    long DroppedCount { get; }
}
