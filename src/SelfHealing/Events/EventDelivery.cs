namespace SelfHealing.Events;

/// <summary>
/// How the event hub treats an event when a subscriber reads slower than events arrive.
/// </summary>
public enum EventDelivery
{
    /// <summary>
    /// Telemetry-like events: when a subscriber's buffer is full, the oldest such event is dropped and counted.
    /// </summary>
    BestEffort = 0,

    /// <summary>
    /// Recovery-relevant events (state changes, incidents): kept in a separate, larger buffer and read before
    /// best-effort ones, never pushed out by them. Publishing never blocks, so delivery is not guaranteed: a
    /// subscriber that stops reading until even that buffer is full loses new ones, and each such drop is counted
    /// and logged as an error, never silent. (Named <c>Guaranteed</c> before 0.1.0, which it was not.)
    /// </summary>
    Priority = 1,
}
