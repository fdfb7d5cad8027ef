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
    /// Recovery-relevant events (state changes, incidents): kept in a separate, larger buffer; if even that
    /// fills up, the drop is logged as an error and counted, never silent.
    /// </summary>
    Guaranteed = 1,
}
