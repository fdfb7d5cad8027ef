namespace SelfHealing.Telemetry;

/// <summary>
/// Names of the <see cref="System.Diagnostics.Metrics.Meter"/> and instruments the library publishes, for
/// exporters such as OpenTelemetry (<c>metrics.AddMeter(SelfHealingMeter.Name)</c>).
/// </summary>
public static class SelfHealingMeter
{
    /// <summary>The name of the one meter every component publishes through.</summary>
    public const string Name = "SelfHealing";

    /// <summary>Counter of calls through circuit breakers, tagged with the breaker name and the outcome.</summary>
    public const string CircuitCalls = "selfhealing.circuit.calls";

    /// <summary>Observable gauge of each breaker's state (0 closed, 1 open, 2 half-open, 3 isolated, 4 disabled).</summary>
    public const string CircuitState = "selfhealing.circuit.state";

    /// <summary>Counter of circuit state transitions, tagged with the breaker name and the new state.</summary>
    public const string CircuitTransitions = "selfhealing.circuit.transitions";

    /// <summary>Counter of events the hub dropped for a lagging subscriber, tagged with the delivery kind.</summary>
    public const string EventsDropped = "selfhealing.events.dropped";

    /// <summary>Tag holding a circuit breaker's name.</summary>
    public const string CircuitNameTag = "selfhealing.circuit.name";

    /// <summary>Tag holding a call's outcome: success, failure, timeout, ignored or rejected.</summary>
    public const string OutcomeTag = "selfhealing.outcome";

    /// <summary>Tag holding a circuit state, in lower case with dashes (closed, open, half-open, isolated, disabled).</summary>
    public const string StateTag = "selfhealing.circuit.state";

    /// <summary>Tag holding an event subscription's name.</summary>
    public const string SubscriptionTag = "selfhealing.subscription";

    /// <summary>Tag holding an event's delivery kind (best-effort or guaranteed).</summary>
    public const string DeliveryTag = "selfhealing.delivery";
}
